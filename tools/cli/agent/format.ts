// Text forms of what the exchange returns: a send receipt, an inbox table, a trace.
import type { InboxItem, SendReceipt, Trace } from '@vdx/exchange-client';

/** A receipt: outcome, package id, duplicate, warnings; for a refusal its code, reason and findings. */
export function receiptLines(r: SendReceipt): string[] {
  const head = `${r.outcome}  package ${r.packageId}${r.duplicate ? '  (duplicate: the first receipt)' : ''}  warnings ${r.warnings.length}`;
  if (r.outcome === 'accepted') {
    return [head, ...(r.recipientCodes.length ? [`  recipients  ${r.recipientCodes.join(', ')}`] : []), ...r.warnings.map((f) => `  warning  ${f.code}  ${f.path}  ${f.message}`)];
  }
  return [head, `  ${r.errorCode}: ${r.reason}`, ...r.findings.map((f) => `  ${f.code}  ${f.path}  ${f.message}`)];
}

const COLUMNS: readonly { title: string; value: (i: InboxItem) => string }[] = [
  { title: 'DELIVERY', value: (i) => i.deliveryId },
  { title: 'KIND', value: (i) => i.kind },
  { title: 'STATE', value: (i) => i.state },
  { title: 'FROM', value: (i) => i.senderCode },
  { title: 'TO', value: (i) => i.recipientCode },
  { title: 'DOCUMENT', value: (i) => (i.kind === 'status' ? `${i.statusCode} ${i.documentId}` : i.documentId) },
  { title: 'QUEUED', value: (i) => i.queuedAt },
  { title: 'BYTES', value: (i) => String(i.bodySize) },
];

/** An inbox as an aligned table (a header line, then one line per item). */
export function inboxTable(items: readonly InboxItem[]): string[] {
  if (items.length === 0) return ['(the inbox is empty)'];
  const rows = [COLUMNS.map((c) => c.title), ...items.map((i) => COLUMNS.map((c) => c.value(i)))];
  const widths = COLUMNS.map((_, k) => Math.max(...rows.map((r) => r[k]!.length)));
  return rows.map((r) => r.map((cell, k) => (k === r.length - 1 ? cell : cell.padEnd(widths[k]!))).join('  '));
}

/** A trace: the package, then per recipient where it went, how, its transport state and statuses. */
export function traceLines(t: Trace): string[] {
  const lines = [`package ${t.packageId}  from ${t.senderCode}  document ${t.documentId || '-'}  stage ${t.stage}`];
  if (t.errorCode) lines.push(`  ${t.errorCode}: ${t.reason}`);
  for (const u of t.unroutable) lines.push(`  ${u.requestedCode}  not routed  ${u.errorCode}: ${u.reason}`);
  for (const r of t.recipients) {
    const via = r.routeVia.length ? ` via ${r.routeVia.join(' > ')}` : '';
    lines.push(`  ${r.recipientCode}  delivered to ${r.deliveredTo || '-'}  route ${r.route}${via}  transport ${r.transportState}`);
    for (const s of r.statuses) lines.push(`    ${s.code}  ${s.at}${s.description ? `  ${s.description}` : ''}`);
    if (r.statuses.length === 0) lines.push('    (no business status yet)');
  }
  return lines;
}
