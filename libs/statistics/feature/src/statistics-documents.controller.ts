import { Body, Controller, Get, Header, HttpCode, Inject, Post, Query, Req } from '@nestjs/common';
import { StatisticsError, authorizeRedrive, parseDeadLetterQuery, parseDocumentSearch, parseRedriveBody, parseTraceQuery, type Account } from '@vdx/statistics-domain';
import { StatisticsAccess, refusal } from './statistics-access';
import { StatisticsDocuments } from './statistics-documents';
import { STATISTICS_ACCESS } from './statistics.controller';

export const STATISTICS_DOCUMENTS = Symbol('vdx.statistics.documents');

interface Request {
  readonly headers: { readonly cookie?: string };
}

/** Runs `fn`, answering a `StatisticsError` with its code and HTTP status. */
async function coded<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof StatisticsError) throw refusal(err.code, err.message, err.parameter);
    throw err;
  }
}

/** The operator's name a redrive is recorded with: the console account's (`console:<user>`), `console` without accounts. */
export const redriveOperator = (account: Account | null): string => (account === null ? 'console' : `console:${account.user}`);

/**
 * The console's document search with its trace, and the dead letters with their redrive: 401
 * without a session, then the role (403 `ROLE_FORBIDDEN`: only the central office redrives),
 * then the parameters (400), then the scope (403 `OUTSIDE_SCOPE`, or what an agency admin may
 * not see left out).
 */
@Controller('statistics/v1')
export class StatisticsDocumentsController {
  constructor(
    @Inject(STATISTICS_DOCUMENTS) private readonly documents: StatisticsDocuments,
    @Inject(STATISTICS_ACCESS) private readonly access: StatisticsAccess,
  ) {}

  @Get('documents')
  @Header('Cache-Control', 'no-store')
  search(@Req() req: Request, @Query() raw: Record<string, unknown>) {
    const account = this.access.account(req.headers.cookie);
    return coded(() => this.documents.search(parseDocumentSearch(raw, Date.now()), account));
  }

  @Get('documents/trace')
  @Header('Cache-Control', 'no-store')
  trace(@Req() req: Request, @Query() raw: Record<string, unknown>) {
    const account = this.access.account(req.headers.cookie);
    return coded(() => this.documents.trace(parseTraceQuery(raw), account));
  }

  @Get('dead-letters')
  @Header('Cache-Control', 'no-store')
  deadLetters(@Req() req: Request, @Query() raw: Record<string, unknown>) {
    const account = this.access.account(req.headers.cookie);
    return coded(() => this.documents.deadLetters(parseDeadLetterQuery(raw), account));
  }

  @Post('dead-letters/redrive')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  redrive(@Req() req: Request, @Body() body: unknown) {
    const account = this.access.account(req.headers.cookie);
    return coded(() => {
      authorizeRedrive(account);
      return this.documents.redrive(parseRedriveBody(body), redriveOperator(account));
    });
  }
}
