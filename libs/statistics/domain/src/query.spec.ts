import { figuresTable, levelsTable, toCsv } from './export-table';
import { parseQuery } from './query';
import { EVERYTHING, figuresOf, levelsOfTally } from './report';

describe('parseQuery: the parameters of the reporting API', () => {
  it('reads a report with its defaults', () => {
    const q = parseQuery('report', { from: '2025-07' });
    expect(q).toMatchObject({ period: 'month', keys: ['M2025-07'], agency: null, subtree: true, directions: ['s', 'r'], selection: EVERYTHING, rows: 'children', limit: 100, after: null, format: 'json' });
  });

  it('reads every filter', () => {
    const q = parseQuery('report', { period: 'quarter', from: '2025-Q1', to: '2025-Q3', agency: '000.00.00.H53', subtree: 'false', direction: 'received', kind: 'document', priority: 'urgent', rows: 'agencies', limit: '20', after: '000.00.32.H53', format: 'xlsx' });
    expect(q).toMatchObject({ period: 'quarter', keys: ['Q2025-Q1', 'Q2025-Q2', 'Q2025-Q3'], subtree: false, directions: ['r'], selection: { kinds: ['d'], lanes: ['u'] }, rows: 'agencies', limit: 20, format: 'xlsx' });
    expect(q.agency?.toString()).toBe('000.00.00.H53');
    expect(q.after?.toString()).toBe('000.00.32.H53');
  });

  // One bad input per code, each naming the parameter at fault.
  const BAD: readonly [string, Record<string, unknown>, string, string][] = [
    ['an unknown parameter', { from: '2025-07', sort: 'asc' }, 'STATISTICS.BAD_PARAMETER', 'sort'],
    ['a parameter of another endpoint', { from: '2025-07', direction: 'sent' }, 'STATISTICS.BAD_PARAMETER', 'direction'],
    ['a parameter given twice', { from: ['2025-07', '2025-08'] }, 'STATISTICS.BAD_PARAMETER', 'from'],
    ['a period that does not exist', { period: 'decade', from: '2025' }, 'STATISTICS.BAD_CHOICE', 'period'],
    ['no from', { period: 'day' }, 'STATISTICS.BAD_RANGE', 'from'],
    ['a day that does not exist', { period: 'day', from: '2025-02-30' }, 'STATISTICS.BAD_DATE', 'from'],
    ['a to in another notation', { period: 'month', from: '2025-07', to: '2025-08-01' }, 'STATISTICS.BAD_DATE', 'to'],
    ['to before from', { period: 'year', from: '2025', to: '2024' }, 'STATISTICS.BAD_RANGE', 'to'],
    ['too many periods', { period: 'day', from: '2024-01-01', to: '2025-12-31' }, 'STATISTICS.RANGE_TOO_LONG', 'to'],
    ['too many periods for agency rows', { period: 'day', from: '2025-01-01', to: '2025-03-01', rows: 'agencies' }, 'STATISTICS.RANGE_TOO_LONG', 'to'],
    ['an agency code that is not canonical', { from: '2025-07', agency: 'H53' }, 'STATISTICS.BAD_AGENCY', 'agency'],
    ['an after that is not a code', { from: '2025-07', after: '000.1137.H53' }, 'STATISTICS.BAD_AGENCY', 'after'],
    ['a subtree that is not true or false', { from: '2025-07', subtree: 'yes' }, 'STATISTICS.BAD_CHOICE', 'subtree'],
    ['a rows value', { from: '2025-07', rows: 'all' }, 'STATISTICS.BAD_CHOICE', 'rows'],
    ['a format', { from: '2025-07', format: 'pdf' }, 'STATISTICS.BAD_CHOICE', 'format'],
    ['a limit of zero', { from: '2025-07', limit: '0' }, 'STATISTICS.BAD_LIMIT', 'limit'],
    ['a limit over 1000', { from: '2025-07', limit: '1001' }, 'STATISTICS.BAD_LIMIT', 'limit'],
    ['a limit that is not a number', { from: '2025-07', limit: '1e3' }, 'STATISTICS.BAD_LIMIT', 'limit'],
  ];
  it.each(BAD.filter(([, raw]) => !('direction' in raw)))('refuses %s on the report', (_, raw, code, parameter) => {
    expect(() => parseQuery('report', raw)).toThrow(expect.objectContaining({ code, parameter }));
  });
  it.each(BAD.filter(([, raw]) => 'direction' in raw))('refuses %s on quality', (_, raw, code, parameter) => {
    expect(() => parseQuery('quality', raw)).toThrow(expect.objectContaining({ code, parameter }));
  });

  it('refuses a direction, kind or priority that is not one of its values', () => {
    for (const name of ['direction', 'kind', 'priority']) {
      expect(() => parseQuery('report', { from: '2025-07', [name]: 'both-ways' })).toThrow(expect.objectContaining({ code: 'STATISTICS.BAD_CHOICE', parameter: name }));
    }
  });

  it('reads the breakdown only when asked, on report only', () => {
    expect(parseQuery('report', { from: '2025-07' }).detail).toBe(false);
    expect(parseQuery('report', { from: '2025-07', detail: 'true' }).detail).toBe(true);
    expect(() => parseQuery('report', { from: '2025-07', detail: 'yes' })).toThrow(expect.objectContaining({ code: 'STATISTICS.BAD_CHOICE', parameter: 'detail' }));
    expect(() => parseQuery('quality', { from: '2025-07', detail: 'true' })).toThrow(expect.objectContaining({ code: 'STATISTICS.BAD_PARAMETER', parameter: 'detail' }));
  });

  it('takes only agency and format on connected', () => {
    expect(parseQuery('connected', {}).agency).toBeNull();
    expect(() => parseQuery('connected', { from: '2025' })).toThrow(expect.objectContaining({ code: 'STATISTICS.BAD_PARAMETER', parameter: 'from' }));
  });
});

describe('exporting a report', () => {
  it('writes CSV with a byte order mark, Vietnamese headers, quoting and no formula injection', () => {
    const figures = figuresOf({ sdn_acc: 3, sdn_fch: 2 }, null, 's');
    const csv = toCsv(figuresTable('t', ['s'], [{ code: '000.00.00.H53', name: 'UBND tỉnh Tây Ninh, "tỉnh"', level: 1, figures: { s: figures } }, { code: 'x', name: '=HYPERLINK("x")', level: null, figures: {} }]));
    const lines = csv.split('\r\n');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(lines[0]).toMatch(/^\uFEFFMã định danh \/ Kỳ,Tên cơ quan,Cấp,Gửi – Gói tin được tiếp nhận,Gửi – Đã chuyển vào hộp thư,Gửi – Đã lấy về,/);
    expect(lines[1]).toMatch(/^000\.00\.00\.H53,"UBND tỉnh Tây Ninh, ""tỉnh""",1,3,0,2,/);
    expect(lines[2]).toMatch(/^x,"'=HYPERLINK\(""x""\)",,,,/);
    expect(lines[3]).toBe('');
  });

  it('tables agencies per level', () => {
    const t = levelsTable('k', levelsOfTally({ l1: { reg: 95, con: 95 }, l2: { reg: 10, con: 4, ret: 1, conRet: 1, sus: 2, rei: 1 } }));
    expect(t.headers).toEqual(['Cấp', 'Số cơ quan', 'Đã kết nối', 'Tạm dừng', 'Đã giải thể, sáp nhập']);
    expect(t.rows).toEqual([
      [1, 95, 95, 0, 0],
      [2, 9, 3, 1, 1],
      [3, 0, 0, 0, 0],
      [4, 0, 0, 0, 0],
    ]);
  });
});
