// @ts-check
// The statistics console: plain browser JavaScript, no framework, no build step, nothing loaded
// from outside the service. It reads the reporting API with the session cookie the log-in sets.

const API = '/statistics/v1';

const TEXT = {
  vi: {
    skip: 'Bỏ qua, đến nội dung chính', title: 'Thống kê trục liên thông văn bản', logout: 'Đăng xuất', loginTitle: 'Đăng nhập',
    user: 'Tên đăng nhập', password: 'Mật khẩu', login: 'Đăng nhập', filters: 'Bộ lọc', period: 'Theo', day: 'Ngày', month: 'Tháng', year: 'Năm',
    from: 'Từ', to: 'Đến', kind: 'Loại gói tin', kindDocument: 'Văn bản', kindStatus: 'Trạng thái', kindAll: 'Tất cả',
    agency: 'Mã định danh cơ quan', show: 'Xem', dateHint: 'Ngày: 2025-07-15 · Tháng: 2025-07 · Năm: 2025', agencyHint: 'Để trống: toàn quốc.',
    breadcrumb: 'Vị trí', overview: 'Tổng quan', export: 'Tải về:', csv: 'CSV', xlsx: 'Excel (XLSX)', series: 'Số gói tin gửi theo kỳ',
    asTable: 'Xem dạng bảng', rows: 'Theo đơn vị', search: 'Tìm cơ quan (tên hoặc mã, không cần dấu)', noRows: 'Không có đơn vị trực thuộc nào có số liệu.',
    connected: 'Cơ quan kết nối theo cấp', national: 'Toàn quốc', sent: 'Đã gửi', delivered: 'Đã chuyển vào hộp thư', fetched: 'Đã lấy về',
    received: 'Đã nhận', signedShare: 'Tỷ lệ ký số hợp lệ', latency: 'Thời gian trung bình đến khi lấy về', late: 'Không lấy về đúng hạn',
    late01: 'Không có trạng thái 01 đúng hạn', code: 'Mã định danh', name: 'Tên cơ quan', level: 'Cấp', levelN: 'Cấp {n}', agencies: 'Số cơ quan',
    connectedCount: 'Đã kết nối', periodCol: 'Kỳ', drill: 'Xem chi tiết {name}', you: 'Người dùng: {user} ({role})', chartLabel: 'Biểu đồ cột: số gói tin gửi theo kỳ',
    'central-office': 'Văn phòng Chính phủ', 'agency-admin': 'Quản trị cơ quan', viewer: 'Chỉ xem',
    'STATISTICS.BAD_CREDENTIALS': 'Sai tên đăng nhập hoặc mật khẩu.', 'STATISTICS.LOGIN_REQUIRED': 'Vui lòng đăng nhập.',
    'STATISTICS.TOO_MANY_LOGINS': 'Đăng nhập sai quá nhiều lần, vui lòng thử lại sau.',
    'STATISTICS.SESSION_INVALID': 'Phiên làm việc đã hết hạn, vui lòng đăng nhập lại.', 'STATISTICS.OUTSIDE_SCOPE': 'Không có quyền xem số liệu này.',
    'STATISTICS.BAD_DATE': 'Ngày hoặc kỳ không hợp lệ.', 'STATISTICS.BAD_RANGE': 'Khoảng thời gian không hợp lệ.', 'STATISTICS.RANGE_TOO_LONG': 'Khoảng thời gian quá dài.',
    'STATISTICS.BAD_AGENCY': 'Mã định danh không hợp lệ (ví dụ 000.00.00.H53).', failed: 'Không đọc được số liệu ({status}).',
  },
  en: {
    skip: 'Skip to the main content', title: 'Document exchange statistics', logout: 'Log out', loginTitle: 'Log in',
    user: 'User name', password: 'Password', login: 'Log in', filters: 'Filters', period: 'By', day: 'Day', month: 'Month', year: 'Year',
    from: 'From', to: 'To', kind: 'Package kind', kindDocument: 'Documents', kindStatus: 'Statuses', kindAll: 'All',
    agency: 'Agency code', show: 'Show', dateHint: 'Day: 2025-07-15 · Month: 2025-07 · Year: 2025', agencyHint: 'Empty: the whole country.',
    breadcrumb: 'Location', overview: 'Overview', export: 'Download:', csv: 'CSV', xlsx: 'Excel (XLSX)', series: 'Packages sent per period',
    asTable: 'Show as a table', rows: 'By unit', search: 'Find an agency (name or code, accents optional)', noRows: 'No unit below has figures.',
    connected: 'Connected agencies per level', national: 'Whole country', sent: 'Sent', delivered: 'Delivered to mailboxes', fetched: 'Fetched',
    received: 'Received', signedShare: 'Validly signed share', latency: 'Mean time until fetched', late: 'Not fetched by the deadline',
    late01: 'No status 01 by the deadline', code: 'Code', name: 'Agency', level: 'Level', levelN: 'Level {n}', agencies: 'Agencies',
    connectedCount: 'Connected', periodCol: 'Period', drill: 'Show {name}', you: 'User: {user} ({role})', chartLabel: 'Bar chart: packages sent per period',
    'central-office': 'Central office', 'agency-admin': 'Agency admin', viewer: 'Viewer',
    'STATISTICS.BAD_CREDENTIALS': 'Wrong user name or password.', 'STATISTICS.LOGIN_REQUIRED': 'Please log in.',
    'STATISTICS.TOO_MANY_LOGINS': 'Too many failed log-ins: please try again later.',
    'STATISTICS.SESSION_INVALID': 'Your session has expired: please log in again.', 'STATISTICS.OUTSIDE_SCOPE': 'You may not see these figures.',
    'STATISTICS.BAD_DATE': 'The date or period is not valid.', 'STATISTICS.BAD_RANGE': 'The range is not valid.', 'STATISTICS.RANGE_TOO_LONG': 'The range is too long.',
    'STATISTICS.BAD_AGENCY': 'Not a valid agency code (e.g. 000.00.00.H53).', failed: 'The figures could not be read ({status}).',
  },
};

/** @type {'vi' | 'en'} */
let lang = localStorage.getItem('vdx.console.lang') === 'en' ? 'en' : 'vi';
/** @type {{ user: string | null, role: string, agency: string | null, loginRequired: boolean } | null} */
let me = null;
/** The last answers, redrawn when the language changes. */
let last = /** @type {{ report: any, connected: any } | null} */ (null);

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const input = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ (document.getElementById(id));

function t(/** @type {string} */ key, /** @type {Record<string, string | number>} */ vars = {}) {
  const s = TEXT[lang][/** @type {keyof typeof TEXT.vi} */ (key)] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));
}

/** Lower case, without diacritics (đ as d): "Tây Ninh" and "tay ninh" match. */
export function fold(/** @type {string} */ s) {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();
}

const number = (/** @type {number | null | undefined} */ n) => (n === null || n === undefined ? '–' : n.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB'));
const percent = (/** @type {number | null} */ n) => (n === null ? '–' : `${(n * 100).toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 })} %`);

function duration(/** @type {number | null} */ s) {
  if (s === null) return '–';
  if (s < 60) return `${Math.round(s)} ${lang === 'vi' ? 'giây' : 's'}`;
  if (s < 3600) return `${Math.round(s / 60)} ${lang === 'vi' ? 'phút' : 'min'}`;
  return `${(s / 3600).toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 })} ${lang === 'vi' ? 'giờ' : 'h'}`;
}

function applyLanguage() {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(/** @type {string} */ (/** @type {HTMLElement} */ (el).dataset['i18n']));
  for (const el of document.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(/** @type {string} */ (/** @type {HTMLElement} */ (el).dataset['i18nLabel'])));
  document.title = t('title');
  const other = lang === 'vi' ? 'en' : 'vi';
  const button = $('lang');
  button.textContent = other === 'en' ? 'English' : 'Tiếng Việt';
  button.lang = other;
  button.setAttribute('aria-label', other === 'en' ? 'Switch to English' : 'Chuyển sang tiếng Việt');
  showWho();
  if (last) draw(last.report, last.connected);
}

function showError(/** @type {string | null} */ message) {
  const el = $('error');
  el.textContent = message ?? '';
  el.hidden = message === null;
}

/** The API's coded refusal as a sentence, with its code for support. */
async function refusalText(/** @type {Response} */ res) {
  let code = '';
  try {
    code = (await res.json())?.error?.code ?? '';
  } catch {
    // not JSON
  }
  const known = code !== '' && code in TEXT[lang];
  return `${known ? t(code) : t('failed', { status: res.status })}${code ? ` [${code}]` : ''}`;
}

function showWho() {
  const who = $('who');
  who.textContent = me && me.user ? t('you', { user: me.user, role: t(me.role) }) : '';
  $('logout').hidden = !(me && me.loginRequired);
}

function showLogin() {
  me = null;
  last = null;
  $('app').hidden = true;
  $('login').hidden = false;
  showWho();
  input('user').focus();
}

/** Vietnam time (UTC+7) today, as yyyy-MM-dd. */
const today = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);

function defaultRange(/** @type {string} */ period) {
  const d = today();
  if (period === 'day') return [`${d.slice(0, 8)}01`, d];
  if (period === 'year') return [d.slice(0, 4), d.slice(0, 4)];
  return [`${d.slice(0, 4)}-01`, d.slice(0, 7)];
}

/** The query the filters describe (and the URL's hash keeps, so a view can be bookmarked). */
function query() {
  const p = new URLSearchParams({ period: input('period').value, from: input('from').value.trim(), to: input('to').value.trim() });
  const agency = input('agency').value.trim();
  if (agency !== '') p.set('agency', agency);
  return p;
}

/** Only the latest request is drawn: an earlier one answering late is dropped. */
let loads = 0;

async function load() {
  const mine = ++loads;
  showError(null);
  const q = query();
  const report = new URLSearchParams(q);
  report.set('kind', input('kind').value);
  report.set('direction', 'both');
  // Connected agencies are counted per level-1 subtree: the agency's level-1 ancestor.
  const connected = new URLSearchParams();
  const agency = q.get('agency');
  if (agency !== null) connected.set('agency', agency.replace(/^\d{3}\.\d{2}\.\d{2}\./, '000.00.00.'));
  location.hash = q.toString();
  const [r, c] = await Promise.all([fetch(`${API}/report?${report}`), fetch(`${API}/connected?${connected}`)]);
  if (mine !== loads) return;
  if (r.status === 401) return showLogin();
  if (!r.ok) {
    const text = await refusalText(r);
    if (mine === loads) showError(text);
    return;
  }
  const reportBody = await r.json();
  // An agency admin below level 1 may not see the connected count of the whole province.
  const connectedBody = c.ok ? await c.json() : null;
  if (mine !== loads) return;
  last = { report: reportBody, connected: connectedBody };
  draw(reportBody, connectedBody);
  const exportBase = new URLSearchParams(report);
  exportBase.set('format', 'csv');
  /** @type {HTMLAnchorElement} */ ($('export-csv')).href = `${API}/report?${exportBase}`;
  exportBase.set('format', 'xlsx');
  /** @type {HTMLAnchorElement} */ ($('export-xlsx')).href = `${API}/report?${exportBase}`;
}

function cell(/** @type {string} */ tag, /** @type {string} */ text, /** @type {string} */ cls = '') {
  const el = document.createElement(tag);
  el.textContent = text;
  if (cls) el.className = cls;
  if (tag === 'th') el.setAttribute('scope', cls.includes('row') ? 'row' : 'col');
  return el;
}

function headRow(/** @type {HTMLTableElement} */ table, /** @type {[string, string][]} */ cols) {
  table.replaceChildren();
  const tr = table.createTHead().insertRow();
  for (const [text, cls] of cols) tr.append(cell('th', text, cls));
  return table.createTBody();
}

function kpi(/** @type {string} */ id, /** @type {string} */ label, /** @type {string} */ value) {
  const div = document.createElement('div');
  const dd = cell('dd', value);
  dd.id = `kpi-${id}`;
  div.append(cell('dt', label), dd);
  return div;
}

const zero = { accepted: 0, delivered: 0, fetched: 0, signatures: { signedShare: null }, decree30: { notFetchedByDeadline: 0, no01ByDeadline: 0 }, latency: { sendToFetched: { meanSeconds: null } } };

function draw(/** @type {any} */ report, /** @type {any} */ connected) {
  const sent = report.total.sent ?? zero;
  const received = report.total.received ?? zero;
  $('scope-name').textContent = report.agency ? `– ${report.agency.name ?? report.agency.code} (${report.agency.code})` : `– ${t('national')}`;
  $('kpis').replaceChildren(
    kpi('sent', t('sent'), number(sent.accepted)),
    kpi('received', t('received'), number(received.accepted)),
    kpi('delivered', t('delivered'), number(sent.delivered)),
    kpi('fetched', t('fetched'), number(sent.fetched)),
    kpi('signed', t('signedShare'), percent(sent.signatures.signedShare)),
    kpi('latency', t('latency'), duration(sent.latency.sendToFetched.meanSeconds)),
    kpi('late', t('late'), number(sent.decree30.notFetchedByDeadline)),
    kpi('late01', t('late01'), number(sent.decree30.no01ByDeadline)),
  );
  drawCrumbs(report.agency);
  drawSeries(report.series.map((/** @type {any} */ s) => [s.period, s.figures.sent?.accepted ?? 0]));
  drawRows(report.items);
  drawConnected(connected);
}

function drawCrumbs(/** @type {{ code: string, name: string | null } | null} */ agency) {
  const ol = $('crumbs');
  ol.replaceChildren();
  const scoped = me?.role === 'agency-admin' ? me.agency : null;
  const add = (/** @type {string} */ label, /** @type {string} */ code, /** @type {boolean} */ current) => {
    const li = document.createElement('li');
    if (current) {
      li.textContent = label;
      li.setAttribute('aria-current', 'page');
    } else {
      const b = cell('button', label, 'link');
      /** @type {HTMLButtonElement} */ (b).type = 'button';
      b.addEventListener('click', () => drill(code));
      li.append(b);
    }
    ol.append(li);
  };
  if (scoped === null) add(t('national'), '', agency === null);
  else if (agency && agency.code !== scoped) add(scoped, scoped, false);
  if (agency) add(agency.name ?? agency.code, agency.code, true);
}

function drawSeries(/** @type {[string, number][]} */ points) {
  const max = Math.max(1, ...points.map((p) => p[1]));
  const w = Math.max(320, points.length * 44);
  const h = 200;
  const svgNs = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(svgNs, 'svg');
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.setAttribute('class', 'chart');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', t('chartLabel'));
  const band = w / Math.max(1, points.length);
  points.forEach(([period, n], i) => {
    const bh = (n / max) * (h - 50);
    const rect = document.createElementNS(svgNs, 'rect');
    rect.setAttribute('x', String(i * band + band * 0.15));
    rect.setAttribute('y', String(h - 30 - bh));
    rect.setAttribute('width', String(band * 0.7));
    rect.setAttribute('height', String(bh));
    const title = document.createElementNS(svgNs, 'title');
    title.textContent = `${period}: ${number(n)}`;
    rect.append(title);
    const value = document.createElementNS(svgNs, 'text');
    value.setAttribute('x', String(i * band + band / 2));
    value.setAttribute('y', String(h - 34 - bh));
    value.setAttribute('text-anchor', 'middle');
    value.textContent = n > 0 ? number(n) : '';
    const label = document.createElementNS(svgNs, 'text');
    label.setAttribute('x', String(i * band + band / 2));
    label.setAttribute('y', String(h - 12));
    label.setAttribute('text-anchor', 'middle');
    label.textContent = period.length > 7 ? period.slice(5) : period;
    svg.append(rect, value, label);
  });
  $('chart').replaceChildren(svg);
  const body = headRow(/** @type {HTMLTableElement} */ ($('series-table')), [[t('periodCol'), ''], [t('sent'), 'num']]);
  for (const [period, n] of points) {
    const tr = body.insertRow();
    tr.append(cell('th', period, 'row'), cell('td', number(n), 'num'));
  }
}

function drawRows(/** @type {any[]} */ items) {
  const body = headRow(/** @type {HTMLTableElement} */ ($('rows-table')), [[t('code'), ''], [t('name'), ''], [t('level'), 'num'], [t('sent'), 'num'], [t('received'), 'num'], [t('fetched'), 'num'], [t('signedShare'), 'num']]);
  for (const row of items) {
    const tr = body.insertRow();
    tr.dataset['code'] = row.code;
    tr.dataset['search'] = fold(`${row.code} ${row.name ?? ''}`);
    const th = document.createElement('th');
    th.setAttribute('scope', 'row');
    // A viewer reads the national figures only: no drill-down.
    if (me?.role === 'viewer') th.textContent = row.code;
    else {
      const b = cell('button', row.code, 'link');
      /** @type {HTMLButtonElement} */ (b).type = 'button';
      b.setAttribute('aria-label', t('drill', { name: row.name ?? row.code }));
      b.addEventListener('click', () => drill(row.code));
      th.append(b);
    }
    const s = row.figures.sent ?? zero;
    const r = row.figures.received ?? zero;
    tr.append(th, cell('td', row.name ?? '–'), cell('td', String(row.level), 'num'), cell('td', number(s.accepted), 'num'), cell('td', number(r.accepted), 'num'), cell('td', number(s.fetched), 'num'), cell('td', percent(s.signatures.signedShare), 'num'));
  }
  $('rows-empty').hidden = items.length > 0;
  filterRows();
}

function filterRows() {
  const needle = fold(input('search').value.trim());
  for (const tr of /** @type {NodeListOf<HTMLTableRowElement>} */ ($('rows-table').querySelectorAll('tbody tr'))) tr.hidden = needle !== '' && !(tr.dataset['search'] ?? '').includes(needle);
}

function drawConnected(/** @type {any} */ connected) {
  $('connected-card').hidden = connected === null;
  if (connected === null) return;
  $('connected-scope').textContent = connected.agency ? `– ${connected.agency.name ?? connected.agency.code}` : `– ${t('national')}`;
  const body = headRow(/** @type {HTMLTableElement} */ ($('connected-table')), [[t('level'), ''], [t('agencies'), 'num'], [t('connectedCount'), 'num']]);
  for (const l of connected.levels) {
    const tr = body.insertRow();
    tr.append(cell('th', t('levelN', { n: l.level }), 'row'), cell('td', number(l.agencies), 'num'), cell('td', number(l.connected), 'num'));
  }
}

function drill(/** @type {string} */ code) {
  input('agency').value = code;
  input('search').value = '';
  void load().then(() => $('overview-title').focus());
}

async function start() {
  const res = await fetch(`${API}/me`);
  if (res.status === 401) return showLogin();
  if (!res.ok) return showError(await refusalText(res));
  me = await res.json();
  $('login').hidden = true;
  $('app').hidden = false;
  showWho();
  const saved = new URLSearchParams(location.hash.slice(1));
  const period = ['day', 'month', 'year'].includes(saved.get('period') ?? '') ? /** @type {string} */ (saved.get('period')) : 'month';
  const [from, to] = defaultRange(period);
  input('period').value = period;
  input('from').value = saved.get('from') ?? from;
  input('to').value = saved.get('to') ?? to;
  input('agency').value = saved.get('agency') ?? (me?.role === 'agency-admin' ? me.agency ?? '' : '');
  input('agency').disabled = me?.role === 'viewer';
  await load();
}

$('overview-title').tabIndex = -1;
$('lang').addEventListener('click', () => {
  lang = lang === 'vi' ? 'en' : 'vi';
  localStorage.setItem('vdx.console.lang', lang);
  applyLanguage();
});
$('login-form').addEventListener('submit', (e) => {
  e.preventDefault();
  void (async () => {
    showError(null);
    const res = await fetch(`${API}/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: input('user').value, password: input('password').value }) });
    if (!res.ok) {
      showError(await refusalText(res));
      return;
    }
    input('password').value = '';
    await start();
  })();
});
$('logout').addEventListener('click', () => {
  void fetch(`${API}/logout`, { method: 'POST' }).then(showLogin);
});
$('period').addEventListener('change', () => {
  const [from, to] = defaultRange(input('period').value);
  input('from').value = from;
  input('to').value = to;
});
$('filters').addEventListener('submit', (e) => {
  e.preventDefault();
  void load();
});
$('search').addEventListener('input', filterRows);

applyLanguage();
void start();
