import { Controller, Get, Header, HttpException, HttpStatus, Inject, Query, StreamableFile } from '@nestjs/common';
import { StatisticsError, parseQuery, toCsv, type Endpoint, type ReportQuery, type Table } from '@vdx/statistics-domain';
import { openApiDocument } from './openapi';
import { StatisticsReports, connectedTable, flowsTable, qualityReportTable } from './statistics-reports';
import { toXlsx } from './xlsx';

export const STATISTICS_REPORTS = Symbol('vdx.statistics.reports');

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A refused request as the API answers it: 400 with `{ error: { code, parameter, message } }`. */
export function badRequest(err: StatisticsError): HttpException {
  return new HttpException({ error: { code: err.code, parameter: err.parameter, message: err.message } }, HttpStatus.BAD_REQUEST);
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

/** The reporting API (docs: `/docs/openapi.json`). */
@Controller('statistics/v1')
export class StatisticsController {
  constructor(@Inject(STATISTICS_REPORTS) private readonly reports: StatisticsReports) {}

  @Get('report')
  @Header('Cache-Control', 'no-store')
  report(@Query() raw: Record<string, unknown>) {
    const q = parsed('report', raw);
    return answer(q, 'thong-ke', () => this.reports.flows(q), (r) => flowsTable(r, q.directions));
  }

  @Get('quality')
  @Header('Cache-Control', 'no-store')
  quality(@Query() raw: Record<string, unknown>) {
    const q = parsed('quality', raw);
    return answer(q, 'tu-choi-va-loi', () => this.reports.quality(q), qualityReportTable);
  }

  @Get('connected')
  @Header('Cache-Control', 'no-store')
  connected(@Query() raw: Record<string, unknown>) {
    const q = parsed('connected', raw);
    return answer(q, 'ket-noi', () => this.reports.connected(q), connectedTable);
  }
}

const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>vdx statistics API</title></head>
<body><h1>vdx statistics API</h1><p>The OpenAPI 3.1 document: <a href="/docs/openapi.json">/docs/openapi.json</a>.</p>
<ul><li><code>GET /statistics/v1/report</code></li><li><code>GET /statistics/v1/quality</code></li><li><code>GET /statistics/v1/connected</code></li></ul></body></html>
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
