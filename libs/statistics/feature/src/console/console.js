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
    ssoLogin: 'Đăng nhập qua hệ thống định danh',
    'STATISTICS.IDENTITY_NO_ROLE': 'Tài khoản định danh chưa được giao vai trò trên hệ thống thống kê.',
    'STATISTICS.IDENTITY_AMBIGUOUS_ROLE': 'Tài khoản định danh được giao nhiều vai trò: cần giao đúng một vai trò.',
    'STATISTICS.IDENTITY_BAD_AGENCY': 'Tài khoản quản trị chưa có mã định danh cơ quan hợp lệ.',
    'STATISTICS.IDENTITY_REFUSED': 'Hệ thống định danh không xác nhận lần đăng nhập này.',
    'STATISTICS.IDENTITY_STATE_MISMATCH': 'Lần đăng nhập đã hết hạn hoặc không khớp, vui lòng đăng nhập lại.',
    'STATISTICS.IDENTITY_UNAVAILABLE': 'Hệ thống định danh không trả lời, vui lòng thử lại sau.',
    'STATISTICS.TOO_MANY_LOGINS': 'Đăng nhập sai quá nhiều lần, vui lòng thử lại sau.',
    'STATISTICS.SESSION_INVALID': 'Phiên làm việc đã hết hạn, vui lòng đăng nhập lại.', 'STATISTICS.OUTSIDE_SCOPE': 'Không có quyền xem số liệu này.',
    'STATISTICS.BAD_DATE': 'Ngày hoặc kỳ không hợp lệ.', 'STATISTICS.BAD_RANGE': 'Khoảng thời gian không hợp lệ.', 'STATISTICS.RANGE_TOO_LONG': 'Khoảng thời gian quá dài.',
    'STATISTICS.BAD_AGENCY': 'Mã định danh không hợp lệ (ví dụ 000.00.00.H53).', failed: 'Không đọc được số liệu ({status}).',
    docsTitle: 'Tra cứu văn bản', docBy: 'Tìm theo', byNotation: 'Số, ký hiệu', byDocumentId: 'Mã văn bản (DocumentId)', bySender: 'Cơ quan gửi',
    docQuery: 'Nội dung tìm', docFrom: 'Gửi từ ngày', docTo: 'Đến ngày', docSearch: 'Tìm văn bản', more: 'Xem thêm',
    docHint: 'Ví dụ: 7816/VPCP-TTĐT (không cần dấu) · 000.00.00.G22,2025/07/15,7816/VPCP-TTĐT · 000.00.00.G22 (31 ngày gần nhất nếu để trống ngày)',
    docFound: 'Tìm thấy {n} văn bản.', docNone: 'Không tìm thấy văn bản nào.', documentId: 'Mã văn bản', notation: 'Số, ký hiệu', sender: 'Cơ quan gửi',
    subject: 'Trích yếu', acceptedAt: 'Trục tiếp nhận lúc', recipients: 'Nơi nhận', showTrace: 'Xem hành trình của {doc}', traceOf: 'Hành trình văn bản {doc}',
    traceDeliveries: 'Từng nơi nhận', tracePackages: 'Các gói tin về văn bản này', recipient: 'Nơi nhận', deliverTo: 'Nhận qua', state: 'Tình trạng chuyển',
    attempts: 'Số lần đẩy', deadline: 'Hạn tiếp nhận', overdue: 'Quá hạn', fetchedAt: 'Lấy về lúc', ack: 'Xác nhận', statuses: 'Trạng thái xử lý',
    package: 'Gói tin', role: 'Loại', statusCode: 'Mã trạng thái', at: 'Thời gian', stage: 'Kết quả', lastError: 'Lỗi lần cuối', actions: 'Thao tác',
    yes: 'Có', no: 'Không', noDeliveries: 'Chưa có nơi nhận nào được chuyển.', deliveryDown: 'Không đọc được tình trạng chuyển từ dịch vụ chuyển phát. [{code}]',
    'role.document': 'Văn bản', 'role.status': 'Trạng thái', 'role.revoke': 'Thu hồi văn bản này', 'role.update': 'Cập nhật văn bản này', 'role.replace': 'Thay thế văn bản này',
    'change.revoke': 'Thu hồi {doc}', 'change.update': 'Cập nhật {doc}', 'change.replace': 'Thay thế {doc}',
    'stage.accepted': 'Đã tiếp nhận', 'stage.signature-rejected': 'Bị từ chối khi kiểm tra chữ ký', 'stage.routing-rejected': 'Bị từ chối khi định tuyến',
    'state.queued': 'Chờ lấy về', 'state.fetched': 'Đã lấy về', 'state.acknowledged': 'Đã xác nhận', 'state.failed': 'Xác nhận lỗi', 'state.dead': 'Không chuyển được', 'state.withdrawn': 'Đã thu hồi',
    'st.01': 'Đã đến', 'st.02': 'Từ chối tiếp nhận', 'st.03': 'Đã tiếp nhận', 'st.04': 'Phân công', 'st.05': 'Đang xử lý', 'st.06': 'Hoàn thành', 'st.13': 'Đề nghị thu hồi', 'st.15': 'Đồng ý thu hồi', 'st.16': 'Từ chối thu hồi',
    deadTitle: 'Gói tin không chuyển được', deadHint: 'Các lần đẩy đến hệ thống nơi nhận đã thất bại quá số lần cho phép. Văn phòng Chính phủ có thể gửi lại.',
    deadLoad: 'Tải danh sách', deadCount: '{n} gói tin không chuyển được.', deadNone: 'Không có gói tin nào không chuyển được.', deadMore: 'Còn nữa: bấm “Xem thêm”.',
    deliveryId: 'Mã lượt chuyển', redrive: 'Gửi lại', redriveOf: 'Gửi lại {id}', redriven: 'Đã gửi lại {id}: {state}.',
    'STATISTICS.BAD_SEARCH': 'Hãy nhập số, ký hiệu, mã văn bản hoặc mã cơ quan gửi.', 'STATISTICS.BAD_DOCUMENT_ID': 'Mã văn bản không hợp lệ.',
    'STATISTICS.UNKNOWN_DOCUMENT': 'Không có văn bản này.', 'STATISTICS.ROLE_FORBIDDEN': 'Chỉ Văn phòng Chính phủ được gửi lại.',
    'STATISTICS.DELIVERY_UNAVAILABLE': 'Dịch vụ chuyển phát không trả lời.', 'STATISTICS.BAD_LIMIT': 'Số dòng không hợp lệ.', 'DELIVERY.NOT_DEAD': 'Gói tin này không còn ở trạng thái không chuyển được.',
    'DELIVERY.UNKNOWN_DELIVERY': 'Không có lượt chuyển này.', 'ack.done': 'Đã xử lý', 'ack.fail': 'Báo lỗi',
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
    ssoLogin: 'Log in through the identity provider',
    'STATISTICS.IDENTITY_NO_ROLE': 'Your identity account has no role in the statistics console.',
    'STATISTICS.IDENTITY_AMBIGUOUS_ROLE': 'Your identity account has several roles: it needs exactly one.',
    'STATISTICS.IDENTITY_BAD_AGENCY': 'Your administrator account has no valid agency code.',
    'STATISTICS.IDENTITY_REFUSED': 'The identity provider did not confirm this log-in.',
    'STATISTICS.IDENTITY_STATE_MISMATCH': 'The log-in expired or did not match: please log in again.',
    'STATISTICS.IDENTITY_UNAVAILABLE': 'The identity provider does not answer: please try again later.',
    'STATISTICS.TOO_MANY_LOGINS': 'Too many failed log-ins: please try again later.',
    'STATISTICS.SESSION_INVALID': 'Your session has expired: please log in again.', 'STATISTICS.OUTSIDE_SCOPE': 'You may not see these figures.',
    'STATISTICS.BAD_DATE': 'The date or period is not valid.', 'STATISTICS.BAD_RANGE': 'The range is not valid.', 'STATISTICS.RANGE_TOO_LONG': 'The range is too long.',
    'STATISTICS.BAD_AGENCY': 'Not a valid agency code (e.g. 000.00.00.H53).', failed: 'The figures could not be read ({status}).',
    docsTitle: 'Find a document', docBy: 'Search by', byNotation: 'Number and notation', byDocumentId: 'Document id (DocumentId)', bySender: 'Sending agency',
    docQuery: 'Search for', docFrom: 'Sent from', docTo: 'Sent until', docSearch: 'Find documents', more: 'Show more',
    docHint: 'E.g. 7816/VPCP-TTĐT (accents optional) · 000.00.00.G22,2025/07/15,7816/VPCP-TTĐT · 000.00.00.G22 (the last 31 days when no dates)',
    docFound: '{n} document(s) found.', docNone: 'No document found.', documentId: 'Document id', notation: 'Number and notation', sender: 'Sender',
    subject: 'Subject', acceptedAt: 'Accepted by the axis', recipients: 'Recipients', showTrace: 'Show the trace of {doc}', traceOf: 'Trace of {doc}',
    traceDeliveries: 'Each recipient', tracePackages: 'Packages about this document', recipient: 'Recipient', deliverTo: 'Received through', state: 'Delivery',
    attempts: 'Push attempts', deadline: 'Deadline', overdue: 'Overdue', fetchedAt: 'Fetched at', ack: 'Acknowledged', statuses: 'Processing statuses',
    package: 'Package', role: 'Kind', statusCode: 'Status code', at: 'Time', stage: 'Outcome', lastError: 'Last error', actions: 'Actions',
    yes: 'Yes', no: 'No', noDeliveries: 'No recipient has been queued yet.', deliveryDown: 'The delivery service did not give the deliveries. [{code}]',
    'role.document': 'Document', 'role.status': 'Status', 'role.revoke': 'Revokes this document', 'role.update': 'Updates this document', 'role.replace': 'Replaces this document',
    'change.revoke': 'Revokes {doc}', 'change.update': 'Updates {doc}', 'change.replace': 'Replaces {doc}',
    'stage.accepted': 'Accepted', 'stage.signature-rejected': 'Refused by the signature check', 'stage.routing-rejected': 'Refused by routing',
    'state.queued': 'Waiting to be fetched', 'state.fetched': 'Fetched', 'state.acknowledged': 'Acknowledged', 'state.failed': 'Acknowledged as failed', 'state.dead': 'Undeliverable', 'state.withdrawn': 'Withdrawn',
    'st.01': 'Arrived', 'st.02': 'Returned', 'st.03': 'Registered', 'st.04': 'Assigned', 'st.05': 'In processing', 'st.06': 'Completed', 'st.13': 'Recall requested', 'st.15': 'Recall agreed', 'st.16': 'Recall refused',
    deadTitle: 'Undeliverable packages', deadHint: "Pushes to the recipient's system failed more often than allowed. The central office may send them again.",
    deadLoad: 'Load the list', deadCount: '{n} undeliverable package(s).', deadNone: 'No undeliverable package.', deadMore: 'More follow: press “Show more”.',
    deliveryId: 'Delivery id', redrive: 'Send again', redriveOf: 'Send {id} again', redriven: 'Sent {id} again: {state}.',
    'STATISTICS.BAD_SEARCH': 'Give a number and notation, a document id or a sending agency code.', 'STATISTICS.BAD_DOCUMENT_ID': 'Not a valid document id.',
    'STATISTICS.UNKNOWN_DOCUMENT': 'No such document.', 'STATISTICS.ROLE_FORBIDDEN': 'Only the central office may send again.',
    'STATISTICS.DELIVERY_UNAVAILABLE': 'The delivery service does not answer.', 'STATISTICS.BAD_LIMIT': 'Not a valid number of rows.', 'DELIVERY.NOT_DEAD': 'This package is no longer undeliverable.',
    'DELIVERY.UNKNOWN_DELIVERY': 'No such delivery.', 'ack.done': 'Done', 'ack.fail': 'Failed',
  },
};

/** @type {'vi' | 'en'} */
let lang = localStorage.getItem('vdx.console.lang') === 'en' ? 'en' : 'vi';
/** @type {{ user: string | null, role: string, agency: string | null, loginRequired: boolean, via: 'password' | 'identity-provider' | null } | null} */
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
  redrawOperations();
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

/** How one logs in here (`/statistics/v1/login-methods`): read once. */
/** @type {{ password: boolean, identityProvider: boolean } | null} */
let methods = null;

async function showLogin() {
  me = null;
  last = null;
  $('app').hidden = true;
  $('login').hidden = false;
  showWho();
  if (methods === null) {
    const res = await fetch(`${API}/login-methods`).catch(() => null);
    methods = res?.ok ? await res.json() : { password: true, identityProvider: false };
  }
  const m = /** @type {{ password: boolean, identityProvider: boolean }} */ (methods);
  $('login-form').hidden = !m.password;
  $('sso').hidden = !m.identityProvider;
  if (m.password) input('user').focus();
  else $('sso-login').focus();
}

/** A log-in through the identity provider that was refused comes back as `#login-error=<code>`. */
function loginErrorOfHash() {
  const code = new URLSearchParams(location.hash.slice(1)).get('login-error');
  if (code === null) return;
  history.replaceState(null, '', location.pathname + location.search);
  const known = /^[A-Z_.]+$/.test(code) && code in TEXT[lang];
  showError(`${known ? t(code) : t('failed', { status: 401 })} [${code.slice(0, 60)}]`);
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

// ---------------------------------------------------------------------------------------------
// The document search with its trace, and the dead letters with their redrive.

/** What the operations sections show, redrawn when the language changes. */
const ops = {
  /** @type {any[]} */ hits: [],
  /** @type {string | null} */ hitsAfter: null,
  /** @type {string} */ hitsMessage: '',
  /** @type {boolean} */ searched: false,
  /** @type {any} */ trace: null,
  /** @type {any[]} */ dead: [],
  /** @type {string | null} */ deadAfter: null,
  /** @type {boolean} */ deadLoaded: false,
  /** @type {string} */ deadMessage: '',
};

function resetOperations() {
  Object.assign(ops, { hits: [], hitsAfter: null, hitsMessage: '', searched: false, trace: null, dead: [], deadAfter: null, deadLoaded: false, deadMessage: '' });
  redrawOperations();
}

const when = (/** @type {string | null} */ iso) => (iso ? new Date(iso).toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { timeZone: 'Asia/Ho_Chi_Minh' }) : '–');
const known = (/** @type {string} */ key, /** @type {string} */ fallback) => (key in TEXT[lang] ? t(key) : fallback);

function linkButton(/** @type {string} */ text, /** @type {string} */ label, /** @type {() => void} */ onClick) {
  const b = /** @type {HTMLButtonElement} */ (cell('button', text, 'link'));
  b.type = 'button';
  b.setAttribute('aria-label', label);
  b.addEventListener('click', onClick);
  return b;
}

async function searchDocuments(/** @type {boolean} */ more) {
  const by = input('doc-by').value;
  const p = new URLSearchParams({ [by]: input('doc-q').value.trim(), limit: '20' });
  if (by === 'sender') {
    if (input('doc-from').value.trim() !== '') p.set('from', input('doc-from').value.trim());
    if (input('doc-to').value.trim() !== '') p.set('to', input('doc-to').value.trim());
  }
  if (more && ops.hitsAfter) p.set('after', ops.hitsAfter);
  const res = await fetch(`${API}/documents?${p}`);
  if (res.status === 401) return showLogin();
  ops.searched = true;
  if (!res.ok) {
    ops.hits = [];
    ops.hitsAfter = null;
    ops.hitsMessage = await refusalText(res);
    return redrawOperations();
  }
  const body = await res.json();
  ops.hits = more ? [...ops.hits, ...body.items] : body.items;
  ops.hitsAfter = body.nextAfter;
  ops.hitsMessage = '';
  if (!more) ops.trace = null;
  redrawOperations();
  // One document asked for by its id: its trace at once.
  if (!more && by === 'documentId' && ops.hits.length === 1) await showTrace(ops.hits[0].documentId);
}

async function showTrace(/** @type {string} */ documentId) {
  const res = await fetch(`${API}/documents/trace?${new URLSearchParams({ documentId })}`);
  if (res.status === 401) return showLogin();
  if (!res.ok) {
    ops.trace = null;
    ops.hitsMessage = await refusalText(res);
    return redrawOperations();
  }
  ops.trace = await res.json();
  redrawOperations();
  $('trace-title').focus();
}

async function loadDead(/** @type {boolean} */ more) {
  const p = new URLSearchParams({ limit: '50' });
  if (more && ops.deadAfter) p.set('after', ops.deadAfter);
  const res = await fetch(`${API}/dead-letters?${p}`);
  if (res.status === 401) return showLogin();
  ops.deadLoaded = true;
  if (!res.ok) {
    ops.dead = [];
    ops.deadAfter = null;
    ops.deadMessage = await refusalText(res);
    return redrawOperations();
  }
  const body = await res.json();
  ops.dead = more ? [...ops.dead, ...body.items] : body.items;
  ops.deadAfter = body.nextAfter;
  ops.deadMessage = '';
  redrawOperations();
}

async function redrive(/** @type {string} */ deliveryId) {
  const res = await fetch(`${API}/dead-letters/redrive`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ deliveryId }) });
  if (res.status === 401) return showLogin();
  if (!res.ok) {
    ops.deadMessage = await refusalText(res);
    return redrawOperations();
  }
  const d = await res.json();
  ops.dead = ops.dead.filter((x) => x.deliveryId !== deliveryId);
  ops.deadMessage = t('redriven', { id: deliveryId, state: known(`state.${d.state}`, d.state) });
  redrawOperations();
  $('dead-message').focus();
}

function redrawOperations() {
  // Search results.
  $('doc-message').textContent = ops.hitsMessage !== '' ? ops.hitsMessage : ops.hits.length > 0 ? t('docFound', { n: ops.hits.length }) : ops.searched ? t('docNone') : '';
  const results = /** @type {HTMLTableElement} */ ($('doc-results'));
  if (ops.hits.length === 0) results.replaceChildren();
  else {
    const body = headRow(results, [[t('documentId'), 'id'], [t('notation'), ''], [t('sender'), ''], [t('subject'), ''], [t('acceptedAt'), '']]);
    for (const h of ops.hits) {
      const tr = body.insertRow();
      const th = document.createElement('th');
      th.setAttribute('scope', 'row');
      th.className = 'id';
      th.append(linkButton(h.documentId, t('showTrace', { doc: h.notation ?? h.documentId }), () => void showTrace(h.documentId)));
      tr.append(th, cell('td', h.notation ?? '–'), cell('td', h.sender ?? '–'), cell('td', h.subject ?? '–'), cell('td', when(h.acceptedAt)));
    }
  }
  $('doc-more').hidden = ops.hitsAfter === null;
  drawTrace();
  drawDead();
}

function drawTrace() {
  const tr = ops.trace;
  $('trace').hidden = tr === null;
  if (tr === null) return;
  $('trace-title').textContent = t('traceOf', { doc: tr.notation ?? tr.documentId });
  const facts = $('trace-facts');
  facts.replaceChildren();
  for (const [k, v] of /** @type {[string, string][]} */ ([
    ['documentId', tr.documentId],
    ['sender', tr.sender ?? '–'],
    ['subject', tr.subject ?? '–'],
    ['acceptedAt', when(tr.acceptedAt)],
    ['recipients', tr.recipients.join(', ') || '–'],
  ])) facts.append(cell('dt', t(k)), cell('dd', v));
  const own = tr.packages.find((/** @type {any} */ p) => p.role === 'document' && p.change);
  if (own) facts.append(cell('dt', t('role')), cell('dd', t(`change.${own.change}`, { doc: own.relatedDocumentId ?? '' })));
  $('trace-message').textContent = tr.deliveryError ? t('deliveryDown', { code: tr.deliveryError }) : tr.deliveries.length === 0 ? t('noDeliveries') : '';
  const dtable = /** @type {HTMLTableElement} */ ($('trace-deliveries'));
  if (!tr.deliveries || tr.deliveries.length === 0) dtable.replaceChildren();
  else {
    const body = headRow(dtable, [[t('recipient'), ''], [t('deliverTo'), ''], [t('state'), ''], [t('attempts'), 'num'], [t('deadline'), ''], [t('overdue'), ''], [t('fetchedAt'), ''], [t('ack'), ''], [t('statuses'), '']]);
    for (const d of tr.deliveries) {
      const row = body.insertRow();
      row.dataset['state'] = d.state;
      const statuses = d.statuses.map((/** @type {any} */ s) => `${s.code} ${known(`st.${s.code}`, '')} (${when(s.at)})`).join('; ');
      row.append(
        cell('th', d.recipientCode, 'row'),
        cell('td', d.deliverToCode),
        cell('td', known(`state.${d.state}`, d.state)),
        cell('td', number(d.attempts), 'num'),
        cell('td', when(d.deadline)),
        cell('td', d.deadlineMissed ? t('yes') : t('no')),
        cell('td', when(d.fetchedAt)),
        cell('td', d.ackResult ? `${known(`ack.${d.ackResult}`, d.ackResult)}${d.ackReason ? ` – ${d.ackReason}` : ''} (${when(d.acknowledgedAt)})` : '–'),
        cell('td', statuses || '–'),
      );
    }
  }
  const body = headRow(/** @type {HTMLTableElement} */ ($('trace-packages')), [[t('package'), 'id'], [t('role'), ''], [t('sender'), ''], [t('statusCode'), ''], [t('at'), ''], [t('stage'), '']]);
  for (const p of tr.packages) {
    const row = body.insertRow();
    const role = p.byDocumentId ? `${t(`role.${p.role}`)}: ${p.byDocumentId}` : known(`role.${p.role}`, p.role);
    row.append(
      cell('th', p.packageId, 'row id'),
      cell('td', role),
      cell('td', p.sender ?? '–'),
      cell('td', p.statusCode ? `${p.statusCode} ${known(`st.${p.statusCode}`, '')}` : '–'),
      cell('td', when(p.acceptedAt)),
      cell('td', `${known(`stage.${p.stage}`, p.stage)}${p.errorCode ? ` [${p.errorCode}]` : ''}`),
    );
  }
}

function drawDead() {
  $('dead-message').textContent = ops.deadMessage !== '' ? ops.deadMessage : ops.deadLoaded ? `${ops.dead.length === 0 ? t('deadNone') : t('deadCount', { n: ops.dead.length })}${ops.deadAfter !== null ? ` ${t('deadMore')}` : ''}` : '';
  $('dead-message').tabIndex = -1;
  const table = /** @type {HTMLTableElement} */ ($('dead-table'));
  if (ops.dead.length === 0) table.replaceChildren();
  else {
    // Only the central office redrives; the others read (the API refuses them anyway).
    const mayRedrive = me === null || me.role === 'central-office';
    const cols = /** @type {[string, string][]} */ ([[t('deliveryId'), 'id'], [t('documentId'), 'id'], [t('sender'), ''], [t('recipient'), ''], [t('attempts'), 'num'], [t('lastError'), '']]);
    if (mayRedrive) cols.push([t('actions'), '']);
    const body = headRow(table, cols);
    for (const d of ops.dead) {
      const row = body.insertRow();
      row.append(cell('th', d.deliveryId, 'row id'), cell('td', d.documentId ?? '–', 'id'), cell('td', d.senderCode), cell('td', d.recipientCode), cell('td', number(d.attempts), 'num'), cell('td', d.lastError ?? '–'));
      if (mayRedrive) {
        const td = document.createElement('td');
        const b = /** @type {HTMLButtonElement} */ (cell('button', t('redrive')));
        b.type = 'button';
        b.setAttribute('aria-label', t('redriveOf', { id: d.deliveryId }));
        b.addEventListener('click', () => void redrive(d.deliveryId));
        td.append(b);
        row.append(td);
      }
    }
  }
  $('dead-more').hidden = ops.deadAfter === null;
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
  resetOperations();
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
  if (me && me.via === 'identity-provider') {
    // The session at the identity provider ends too: the server says where to go (the
    // provider's end-session page, which comes back here, or this page).
    void fetch(`${API}/oidc/logout`, { method: 'POST' })
      .then((r) => (r.ok ? r.json() : { next: '/console/' }))
      .then((/** @type {{ next: string }} */ a) => {
        location.assign(a.next);
        if (new URL(a.next, location.href).pathname === location.pathname) location.reload();
      }, () => location.reload());
    return;
  }
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
$('doc-by').addEventListener('change', () => {
  for (const el of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('[data-sender-only]'))) el.hidden = input('doc-by').value !== 'sender';
});
$('doc-form').addEventListener('submit', (e) => {
  e.preventDefault();
  void searchDocuments(false);
});
$('doc-more').addEventListener('click', () => void searchDocuments(true));
$('dead-load').addEventListener('click', () => void loadDead(false));
$('dead-more').addEventListener('click', () => void loadDead(true));

applyLanguage();
loginErrorOfHash();
void start();
