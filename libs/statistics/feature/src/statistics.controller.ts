import { Body, Controller, Get, Header, HttpCode, HttpException, Inject, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { StatisticsError, parseQuery, toCsv, type Endpoint, type ReportQuery, type Table } from '@vdx/statistics-domain';
import { openApiDocument } from './openapi';
import { StatisticsAccess, TooManyLogins, refusal, tooManyLoginsRefusal } from './statistics-access';
import { StatisticsReports, connectedTable, flowsTable, qualityReportTable } from './statistics-reports';
import { toXlsx } from './xlsx';

export const STATISTICS_REPORTS = Symbol('vdx.statistics.reports');
export const STATISTICS_ACCESS = Symbol('vdx.statistics.access');

/** What the API reads of a request and writes on a response (Express underneath). */
interface Request {
  readonly headers: { readonly cookie?: string };
  /** The client's address (the socket's; Express's `trust proxy` is not set). */
  readonly ip?: string;
}
interface Response {
  setHeader(name: string, value: string): void;
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A refused request as the API answers it: `{ error: { code, parameter, message } }`, with the code's HTTP status (400 for a bad query). */
export function badRequest(err: StatisticsError): HttpException {
  return refusal(err.code, err.message, err.parameter);
}

function parsed(endpoint: Endpoint, raw: Record<string, unknown>): ReportQuery {
  try {
    return parseQuery(endpoint, raw);
  } catch (err) {
    if (err instanceof StatisticsError) throw badRequest(err);
    throw err;
  }
}

async function answer<R>(q: ReportQuery, name: string, report: () => Promise<R>, table: (r: R) => Table): Promise<R | StreamableFile> {
  let r: R;
  try {
    r = await report();
  } catch (err) {
    if (err instanceof StatisticsError) throw badRequest(err);
    throw err;
  }
  if (q.format === 'json') return r;
  const file = `${name}-${q.period}-${q.keys[0]?.slice(1) ?? 'now'}${q.agency ? `-${q.agency.toString()}` : ''}.${q.format}`;
  if (q.format === 'csv') return new StreamableFile(Buffer.from(toCsv(table(r)), 'utf8'), { type: 'text/csv; charset=utf-8', disposition: `attachment; filename="${file}"` });
  return new StreamableFile(await toXlsx(table(r)), { type: XLSX_TYPE, disposition: `attachment; filename="${file}"` });
}

/** The reporting API (docs: `/docs/openapi.json`): 401 without a session, 403 outside the account's scope. */
@Controller('statistics/v1')
export class StatisticsController {
  constructor(
    @Inject(STATISTICS_REPORTS) private readonly reports: StatisticsReports,
    @Inject(STATISTICS_ACCESS) private readonly access: StatisticsAccess,
  ) {}

  /** Who asks (401 before anything else), the parsed query (400), then the scope (403). */
  private checked(endpoint: Endpoint, req: Request, raw: Record<string, unknown>): ReportQuery {
    const account = this.access.account(req.headers.cookie);
    const q = parsed(endpoint, raw);
    this.access.authorize(account, q);
    return q;
  }

  @Get('report')
  @Header('Cache-Control', 'no-store')
  report(@Req() req: Request, @Query() raw: Record<string, unknown>) {
    const q = this.checked('report', req, raw);
    return answer(q, 'thong-ke', () => this.reports.flows(q), (r) => flowsTable(r, q.directions));
  }

  @Get('quality')
  @Header('Cache-Control', 'no-store')
  quality(@Req() req: Request, @Query() raw: Record<string, unknown>) {
    const q = this.checked('quality', req, raw);
    return answer(q, 'tu-choi-va-loi', () => this.reports.quality(q), qualityReportTable);
  }

  @Get('connected')
  @Header('Cache-Control', 'no-store')
  connected(@Req() req: Request, @Query() raw: Record<string, unknown>) {
    const q = this.checked('connected', req, raw);
    return answer(q, 'ket-noi', () => this.reports.connected(q), connectedTable);
  }

  @Post('login')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async login(@Body() body: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    if (!this.access.required) return { user: null, role: 'central-office', agency: null, loginRequired: false };
    let session: Awaited<ReturnType<StatisticsAccess['login']>>;
    try {
      session = await this.access.login(body, req.ip ?? 'unknown');
    } catch (err) {
      if (!(err instanceof TooManyLogins)) throw err;
      res.setHeader('Retry-After', String(err.retryAfterSeconds));
      throw tooManyLoginsRefusal(err);
    }
    const { principal, cookie } = session;
    res.setHeader('Set-Cookie', cookie);
    return { ...principal, loginRequired: true };
  }

  @Post('logout')
  @HttpCode(204)
  logout(@Res({ passthrough: true }) res: Response): void {
    res.setHeader('Set-Cookie', this.access.logoutCookie());
  }

  /** The logged-in account; without accounts configured, an open central-office view. */
  @Get('me')
  @Header('Cache-Control', 'no-store')
  me(@Req() req: Request) {
    const account = this.access.account(req.headers.cookie);
    if (account === null) return { user: null, role: 'central-office', agency: null, loginRequired: false, via: null };
    return { user: account.user, role: account.role, agency: account.agency?.toString() ?? null, loginRequired: true, via: this.access.sessionOrigin(req.headers.cookie) };
  }
}

const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>vdx statistics API</title></head>
<body><h1>vdx statistics API</h1><p>The OpenAPI 3.1 document: <a href="/docs/openapi.json">/docs/openapi.json</a>.</p>
<ul><li><code>GET /statistics/v1/report</code></li><li><code>GET /statistics/v1/quality</code></li><li><code>GET /statistics/v1/connected</code></li><li><code>GET /statistics/v1/documents</code>, <code>GET /statistics/v1/documents/trace</code></li><li><code>GET /statistics/v1/dead-letters</code>, <code>POST /statistics/v1/dead-letters/redrive</code></li><li><code>POST /statistics/v1/login</code>, <code>POST /statistics/v1/logout</code>, <code>GET /statistics/v1/me</code></li></ul><p>The console: <a href="/console/">/console/</a>.</p></body></html>
`;

/** `/docs` and `/docs/openapi.json`. */
@Controller('docs')
export class StatisticsDocsController {
  private readonly document = openApiDocument();

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return DOCS_PAGE;
  }

  @Get('openapi.json')
  openApi(): Readonly<Record<string, unknown>> {
    return this.document;
  }
}
