import type { Direction } from './metrics';
import type { DirectionFigures, LevelFigures, QualityFigures } from './report';

// Reports as tables with Vietnamese column headers, for CSV and XLSX export.

export type Cell = string | number | null;

export interface Table {
  readonly title: string;
  readonly headers: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
}

/** The columns a row of figures starts with. */
export interface RowLabel {
  /** The agency code, or a period for a series row, or "Tổng cộng" for the total. */
  readonly code: string;
  readonly name: string | null;
  readonly level: number | null;
}

export const LABEL_HEADERS = ['Mã định danh / Kỳ', 'Tên cơ quan', 'Cấp'] as const;
export const TOTAL_LABEL = 'Tổng cộng';

const STATUS_NAMES: Readonly<Record<string, string>> = {
  '01': 'Đã đến',
  '02': 'Từ chối tiếp nhận',
  '03': 'Đã tiếp nhận',
  '04': 'Phân công',
  '05': 'Đang xử lý',
  '06': 'Hoàn thành',
  '13': 'Đề nghị thu hồi',
  '15': 'Đồng ý thu hồi',
  '16': 'Từ chối thu hồi',
};

/** Each column of one direction's figures: its header, how it is read, and whether it is a breakdown (`detail=true`). */
const FIGURE_COLUMNS: readonly (readonly [string, (f: DirectionFigures) => Cell, boolean])[] = [
  ['Gói tin được tiếp nhận', (f) => f.accepted, false],
  ['Đã chuyển vào hộp thư', (f) => f.delivered, false],
  ['Đã lấy về', (f) => f.fetched, false],
  ['Xác nhận thành công', (f) => f.acknowledgedDone, false],
  ['Xác nhận lỗi', (f) => f.acknowledgedFailed, false],
  ['Đẩy thất bại', (f) => f.deadLettered, false],
  ['Đã rút lại', (f) => f.withdrawn, false],
  ['Không định tuyến được', (f) => f.unroutable, false],
  ['Văn bản thu hồi', (f) => f.revoked, false],
  ['Văn bản cập nhật', (f) => f.updated, false],
  ['Văn bản thay thế', (f) => f.replaced, false],
  ...Object.entries(STATUS_NAMES).map(([code, name]) => [`Trạng thái ${code} (${name})`, (f: DirectionFigures) => f.statuses?.[code] ?? 0, true] as const),
  ['Chữ ký số hợp lệ, đủ hai chữ ký', (f) => f.signatures.validBoth, false],
  ['Chữ ký số hợp lệ, chưa đủ', (f) => f.signatures.validPartial ?? null, true],
  ['Chữ ký số chưa xác định được', (f) => f.signatures.indeterminate ?? null, true],
  ['Chữ ký số không hợp lệ', (f) => f.signatures.invalid ?? null, true],
  ['Không ký số', (f) => f.signatures.unsigned ?? null, true],
  ['Chưa kiểm tra chữ ký số', (f) => f.signatures.notPerformed ?? null, true],
  ['Bị từ chối khi kiểm tra', (f) => f.signatures.rejected ?? null, true],
  ['Tỷ lệ ký số hợp lệ', (f) => f.signatures.signedShare, false],
  ['Không lấy về trong ngày làm việc (NĐ 30)', (f) => f.decree30.notFetchedByDeadline, false],
  ['Trạng thái 01 đúng hạn', (f) => f.decree30.status01OnTime, false],
  ['Trạng thái 01 quá hạn', (f) => f.decree30.status01Late, false],
  ['Chưa có trạng thái 01 đúng hạn', (f) => f.decree30.no01ByDeadline, false],
  ['Gửi → sẵn sàng, trung bình (giây)', (f) => f.latency.sendToFetchable.meanSeconds, false],
  ['Gửi → đã lấy về, trung bình (giây)', (f) => f.latency.sendToFetched.meanSeconds, false],
  ['Gửi → trạng thái 01, trung bình (giây)', (f) => f.latency.sendToFirst01.meanSeconds, false],
];

const DIRECTION_NAMES: Readonly<Record<Direction, string>> = { s: 'Gửi', r: 'Nhận' };

export interface FiguresRow extends RowLabel {
  readonly figures: Partial<Record<Direction, DirectionFigures>>;
}

/**
 * The flows report as one table: a row per agency or period, each direction's columns side by
 * side; the breakdown's columns (statuses per code, every signature verdict) only with `detail`.
 */
export function figuresTable(title: string, directions: readonly Direction[], rows: readonly FiguresRow[], detail = false): Table {
  const columns = FIGURE_COLUMNS.filter(([, , breakdown]) => detail || !breakdown);
  const headers = [...LABEL_HEADERS, ...directions.flatMap((d) => columns.map(([h]) => `${DIRECTION_NAMES[d]} – ${h}`))];
  return {
    title,
    headers,
    rows: rows.map((r) => [r.code, r.name, r.level, ...directions.flatMap((d) => columns.map(([, read]) => (r.figures[d] ? read(r.figures[d]) : null)))]),
  };
}

export interface QualityRow extends RowLabel {
  readonly quality: QualityFigures;
}

/** Refusals and findings per code, one column per code seen in any row. */
export function qualityTable(title: string, rows: readonly QualityRow[]): Table {
  const refusalCodes = [...new Set(rows.flatMap((r) => Object.keys(r.quality.refusals)))].sort();
  const findingCodes = [...new Set(rows.flatMap((r) => Object.keys(r.quality.findings)))].sort();
  return {
    title,
    headers: [...LABEL_HEADERS, 'Gói tin bị từ chối', 'Gói tin có lỗi', ...refusalCodes.map((c) => `Từ chối: ${c}`), ...findingCodes.map((c) => `Lỗi: ${c}`)],
    rows: rows.map((r) => [r.code, r.name, r.level, r.quality.refused, r.quality.flawed, ...refusalCodes.map((c) => r.quality.refusals[c] ?? 0), ...findingCodes.map((c) => r.quality.findings[c] ?? 0)]),
  };
}

/** Agencies and connected agencies per level. */
export function levelsTable(title: string, levels: readonly LevelFigures[]): Table {
  return {
    title,
    headers: ['Cấp', 'Số cơ quan', 'Đã kết nối', 'Tạm dừng', 'Đã giải thể, sáp nhập'],
    rows: levels.map((l) => [l.level, l.agencies, l.connected, l.suspended, l.retired]),
  };
}

function csvCell(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return String(cell);
  const text = /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
  return /[",\r\n']/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * RFC 4180 CSV with a UTF-8 byte order mark (spreadsheet programs then read the Vietnamese
 * headers right) and CRLF line ends. A text cell that a spreadsheet would take for a formula is
 * quoted with a leading apostrophe.
 */
export function toCsv(table: Table): string {
  return `\uFEFF${[table.headers, ...table.rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
