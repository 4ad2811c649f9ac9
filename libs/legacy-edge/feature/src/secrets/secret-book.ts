import { createEvent, type EventEnvelope, type SystemSecretIssued, SystemSecretIssuedEvent, isEvent } from '@vdx/contracts';
import { randomUUID } from 'node:crypto';
import { LegacyError } from '../protocol/legacy-error';
import { newSecret, type SecretCipher } from './secret-cipher';

interface HeldSecret {
  readonly secretId: string;
  readonly sealed: string;
  readonly issuedAt: number;
  /** Until when it is valid; undefined while it is the newest. */
  validUntil: number | undefined;
}

interface SystemRecord {
  seq: number;
  secrets: HeldSecret[];
}

/** The system ids the protocol can carry (ASCII, as every header value). */
export const SYSTEM_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * The connected systems' legacy-API secrets, folded from `SystemSecretIssued` events (the log
 * is the record). Pure: the clock is passed in, the cipher opens what is sealed.
 */
export class SecretBook {
  private readonly systems = new Map<string, SystemRecord>();
  private readonly opened = new Map<string, string>();

  constructor(private readonly cipher: SecretCipher) {}

  /** Folds one event in; other event types are ignored. Events older than what is held are skipped. */
  apply(event: EventEnvelope): void {
    if (!isEvent(SystemSecretIssuedEvent, event)) return;
    const p = event.payload;
    const record = this.systems.get(p.systemId) ?? { seq: 0, secrets: [] };
    if (event.aggregateSeq <= record.seq) return;
    record.seq = event.aggregateSeq;
    const issuedAt = Date.parse(p.issuedAt);
    const until = Date.parse(p.previousValidUntil);
    for (const s of record.secrets) s.validUntil = Math.min(s.validUntil ?? Infinity, Number.isNaN(until) ? issuedAt : until);
    record.secrets.push({ secretId: p.secretId, sealed: p.sealedSecret, issuedAt, validUntil: undefined });
    this.systems.set(p.systemId, record);
  }

  /** The secrets a request of `systemId` may be signed with at `now`: the newest, and older ones inside their overlap. */
  secretsOf(systemId: string, now: Date): string[] {
    const record = this.systems.get(systemId);
    if (!record) return [];
    const t = now.getTime();
    const out: string[] = [];
    for (const s of record.secrets) {
      if (s.validUntil !== undefined && s.validUntil <= t) continue;
      const key = `${systemId}\n${s.secretId}`;
      let secret = this.opened.get(key);
      if (secret === undefined) {
        secret = this.cipher.open(s.sealed, systemId, s.secretId);
        if (secret === undefined) continue; // sealed under another key: unusable, never a match
        this.opened.set(key, secret);
      }
      out.push(secret);
    }
    return out;
  }

  /** The sequence of the system's last event (0 when it has none). */
  seqOf(systemId: string): number {
    return this.systems.get(systemId)?.seq ?? 0;
  }

  systemIds(): string[] {
    return [...this.systems.keys()].sort();
  }
}

export interface IssuedSecret {
  readonly secret: string;
  readonly event: EventEnvelope<SystemSecretIssued>;
}

/**
 * Decides `vdx system secret issue`: a new secret for `systemId`, sealed, as the next event of
 * its record. Earlier secrets stay valid for `overlapMs` (0 ends them at once).
 */
export function issueSecret(book: SecretBook, cipher: SecretCipher, systemId: string, opts: { now: Date; overlapMs: number; operator: string }): IssuedSecret {
  if (!SYSTEM_ID.test(systemId)) throw new LegacyError('LEGACY.INVALID_PARAMETER', `not a system id: ${JSON.stringify(systemId)} (letters, digits, ".", "_", "-"; at most 128)`);
  if (!Number.isFinite(opts.overlapMs) || opts.overlapMs < 0) throw new LegacyError('LEGACY.INVALID_PARAMETER', 'the overlap must be zero or more');
  const secret = newSecret();
  const secretId = randomUUID();
  const event = createEvent(SystemSecretIssuedEvent, {
    aggregateId: systemId,
    aggregateSeq: book.seqOf(systemId) + 1,
    actor: { kind: 'operator', id: opts.operator },
    correlationId: secretId,
    occurredAt: opts.now,
    payload: {
      systemId,
      secretId,
      sealedSecret: cipher.seal(secret, systemId, secretId),
      issuedAt: opts.now.toISOString(),
      previousValidUntil: new Date(opts.now.getTime() + opts.overlapMs).toISOString(),
    },
  });
  return { secret, event };
}
