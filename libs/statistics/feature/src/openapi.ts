import { COUNTERS, HISTOGRAMS, LATENCY_BOUND_LABELS, PARAMETERS, STATISTICS_ERROR_CODES, STATUS_CODES, type Endpoint } from '@vdx/statistics-domain';

// The OpenAPI 3.1 document of the reporting API, built from the same parameter table the
// requests are validated against (`PARAMETERS` of @vdx/statistics-domain), so the two cannot
// drift apart.

type Schema = Readonly<Record<string, unknown>>;

const integer: Schema = { type: 'integer', minimum: 0 };
const nullableNumber: Schema = { type: ['number', 'null'] };
const codeCounts: Schema = { type: 'object', additionalProperties: integer, description: 'per stable code, most frequent first' };

const histogram: Schema = {
  type: 'object',
  required: ['count', 'meanSeconds'],
  properties: {
    count: integer,
    meanSeconds: nullableNumber,
    buckets: {
      type: 'array',
      description: `with detail=true only: fixed buckets, upper bounds ${LATENCY_BOUND_LABELS.join(', ')}, then one without a bound (le null)`,
      items: { type: 'object', required: ['le', 'count'], properties: { le: { type: ['string', 'null'] }, count: integer } },
    },
  },
};

const directionFigures: Schema = {
  type: 'object',
  description: 'Every fact about a package counts in the day (Vietnam time) the gateway accepted it.',
  properties: {
    accepted: { ...integer, description: COUNTERS.acc },
    delivered: { ...integer, description: COUNTERS.dlv },
    fetched: { ...integer, description: COUNTERS.fch },
    acknowledgedDone: { ...integer, description: COUNTERS.ack },
    acknowledgedFailed: { ...integer, description: COUNTERS.nak },
    deadLettered: { ...integer, description: COUNTERS.dead },
    withdrawn: { ...integer, description: COUNTERS.wdr },
    unroutable: { ...integer, description: COUNTERS.unr },
    revoked: { ...integer, description: COUNTERS.rev },
    updated: { ...integer, description: COUNTERS.upd },
    replaced: { ...integer, description: COUNTERS.rep },
    statuses: { type: 'object', description: `with detail=true only: status packages per code (${STATUS_CODES.join(', ')}); codes with none are left out`, additionalProperties: integer },
    signatures: {
      type: 'object',
      description: 'validBoth and signedShare always; the other verdicts with detail=true only',
      required: ['validBoth', 'signedShare'],
      properties: {
        validBoth: integer,
        validPartial: integer,
        indeterminate: integer,
        invalid: integer,
        unsigned: integer,
        notPerformed: integer,
        rejected: integer,
        signedShare: { ...nullableNumber, description: 'validBoth / accepted' },
      },
    },
    decree30: {
      type: 'object',
      properties: {
        notFetchedByDeadline: integer,
        status01OnTime: integer,
        status01Late: integer,
        no01ByDeadline: { ...integer, description: 'document copies delivered less those whose first 01 came by the deadline (late ones and those with none yet)' },
      },
    },
    latency: { type: 'object', properties: { sendToFetchable: { ...histogram, description: HISTOGRAMS.q }, sendToFetched: { ...histogram, description: HISTOGRAMS.f }, sendToFirst01: { ...histogram, description: HISTOGRAMS.o } } },
  },
};

const figures: Schema = { type: 'object', properties: { sent: directionFigures, received: directionFigures } };
const quality: Schema = { type: 'object', required: ['refused', 'flawed', 'refusals', 'findings'], properties: { refused: integer, flawed: integer, refusals: codeCounts, findings: codeCounts } };
const agencyRef: Schema = { type: 'object', required: ['code', 'name', 'level'], properties: { code: { type: 'string' }, name: { type: ['string', 'null'] }, level: { type: 'integer', minimum: 1, maximum: 4 } } };

const header = {
  period: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  agency: { oneOf: [agencyRef, { type: 'null' }] },
  subtree: { type: 'boolean' },
  rows: { type: 'string' },
  nextAfter: { type: ['string', 'null'], description: 'pass as `after` for the next page' },
};

const error: Schema = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'object', required: ['code', 'parameter', 'message'], properties: { code: { type: 'string', description: "a STATISTICS.* code, or the delivery service's DELIVERY.* refusal of a redrive passed on", examples: [...STATISTICS_ERROR_CODES] }, parameter: { type: ['string', 'null'] }, message: { type: 'string' } } } },
};

function parameters(endpoint: Endpoint): Schema[] {
  return PARAMETERS.filter((p) => p.endpoints.includes(endpoint)).map((p) => ({
    name: p.name,
    in: 'query',
    required: p.required === true,
    description: p.description,
    schema: { type: p.type ?? 'string', ...(p.enum ? { enum: [...p.enum] } : {}), ...(p.default !== undefined ? { default: p.type === 'integer' ? Number(p.default) : p.default } : {}), ...(p.type === 'integer' ? { minimum: 1, maximum: 1000 } : {}) },
    ...(p.example ? { example: p.example } : {}),
  }));
}

function operation(endpoint: Endpoint, summary: string, body: Schema): Schema {
  return {
    summary,
    operationId: endpoint,
    parameters: parameters(endpoint),
    responses: {
      '200': {
        description: 'the report (format=json), or its table as CSV or XLSX with Vietnamese column headers',
        content: {
          'application/json': { schema: body },
          'text/csv': { schema: { type: 'string' } },
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } },
        },
      },
      '400': { description: 'a bad parameter, with its code and name', content: { 'application/json': { schema: error } } },
      '401': { description: 'no valid session (STATISTICS.LOGIN_REQUIRED, SESSION_INVALID), when accounts are configured', content: { 'application/json': { schema: error } } },
      '403': { description: "outside the account's scope (STATISTICS.OUTSIDE_SCOPE)", content: { 'application/json': { schema: error } } },
    },
  };
}

const principal: Schema = {
  type: 'object',
  required: ['user', 'role', 'agency', 'loginRequired'],
  properties: { user: { type: ['string', 'null'] }, role: { type: 'string', enum: ['central-office', 'agency-admin', 'viewer'] }, agency: { type: ['string', 'null'] }, loginRequired: { type: 'boolean' }, via: { type: ['string', 'null'], enum: ['password', 'identity-provider', null], description: 'how the session was opened (`me` only): a local password or the identity provider, whose session `POST /statistics/v1/oidc/logout` ends too' } },
};

const sessionPaths: Record<string, Schema> = {
  '/statistics/v1/login': {
    post: {
      summary: 'Log in with a local account: sets the session cookie',
      operationId: 'login',
      security: [],
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['user', 'password'], properties: { user: { type: 'string' }, password: { type: 'string', format: 'password' } } } } } },
      responses: {
        '200': { description: 'logged in; Set-Cookie vdx_statistics_session (HttpOnly, SameSite=Strict)', content: { 'application/json': { schema: principal } } },
        '400': { description: 'STATISTICS.BAD_LOGIN_BODY', content: { 'application/json': { schema: error } } },
        '401': { description: 'STATISTICS.BAD_CREDENTIALS', content: { 'application/json': { schema: error } } },
        '429': {
          description: 'STATISTICS.TOO_MANY_LOGINS: too many failed log-ins for this user or from this address within the window; the password was not checked. `Retry-After` (and `error.retryAfterSeconds`) says when to try again',
          headers: { 'Retry-After': { schema: { type: 'integer', minimum: 1 } } },
          content: { 'application/json': { schema: error } },
        },
      },
    },
  },
  '/statistics/v1/logout': { post: { summary: 'End the session: clears the cookie', operationId: 'logout', security: [], responses: { '204': { description: 'logged out' } } } },
  '/statistics/v1/me': {
    get: {
      summary: 'The logged-in account',
      operationId: 'me',
      responses: { '200': { description: 'the account', content: { 'application/json': { schema: principal } } }, '401': { description: 'no valid session', content: { 'application/json': { schema: error } } } },
    },
  },
  '/statistics/v1/login-methods': {
    get: {
      summary: 'How one logs in here: with a local account, through the identity provider (docs/adr/0028-console-openid-connect.md)',
      operationId: 'loginMethods',
      security: [],
      responses: {
        '200': {
          description: 'the ways of logging in',
          content: { 'application/json': { schema: { type: 'object', properties: { password: { type: 'boolean' }, identityProvider: { type: 'boolean' }, loginRequired: { type: 'boolean' } } } } },
        },
      },
    },
  },
  '/statistics/v1/oidc/login': {
    get: {
      summary: "Begins a log-in at the OpenID Connect provider: 302 to its authorization endpoint (code flow, PKCE, state, nonce), with the log-in's cookie (SameSite=Lax, this path only)",
      operationId: 'identityLogin',
      security: [],
      responses: {
        '302': { description: "to the provider's authorization endpoint" },
        '404': { description: 'STATISTICS.IDENTITY_NOT_CONFIGURED: no provider configured', content: { 'application/json': { schema: error } } },
        '503': { description: 'STATISTICS.IDENTITY_UNAVAILABLE: the provider does not answer its discovery', content: { 'application/json': { schema: error } } },
      },
    },
  },
  '/statistics/v1/oidc/logout': {
    post: {
      summary: "Ends the session (clears the cookie) and answers where the browser goes next: for a session the identity provider opened, its end_session_endpoint with client_id and post_logout_redirect_uri (the console), so the user's session there ends too (RP-Initiated Logout); else /console/; a provider that does not answer: /console/#login-error=STATISTICS.IDENTITY_UNAVAILABLE",
      operationId: 'identityLogout',
      security: [],
      responses: { '200': { description: 'where to go next', content: { 'application/json': { schema: { type: 'object', required: ['next'], properties: { next: { type: 'string' } } } } } } },
    },
  },
  '/statistics/v1/oidc/callback': {
    get: {
      summary: "Where the provider sends the browser back: checks the state, exchanges the code, verifies the ID token, sets the session and answers 302 /console/; a refusal answers 302 /console/#login-error=<code> (IDENTITY_STATE_MISMATCH, IDENTITY_REFUSED, IDENTITY_UNAVAILABLE, IDENTITY_NO_ROLE, IDENTITY_AMBIGUOUS_ROLE, IDENTITY_BAD_AGENCY)",
      operationId: 'identityCallback',
      security: [],
      parameters: [
        { name: 'code', in: 'query', schema: { type: 'string' } },
        { name: 'state', in: 'query', schema: { type: 'string' } },
      ],
      responses: { '302': { description: 'to the console, logged in, or with #login-error=<code>' }, '404': { description: 'STATISTICS.IDENTITY_NOT_CONFIGURED', content: { 'application/json': { schema: error } } } },
    },
  },
};

// The console's document search with its trace, and the dead letters with their redrive
// (docs/adr/0025-statistics-document-lookup.md).

const str: Schema = { type: 'string' };
const nullableString: Schema = { type: ['string', 'null'] };
const query = (name: string, description: string, schema: Schema = str, example?: string): Schema => ({ name, in: 'query', required: false, description, schema, ...(example ? { example } : {}) });
const limit = (fallback: number): Schema => query('limit', `Rows per page (default ${fallback}).`, { type: 'integer', minimum: 1, maximum: 100, default: fallback });
const refusals = (codes: Record<string, string>): Record<string, Schema> => Object.fromEntries(Object.entries(codes).map(([status, description]) => [status, { description, content: { 'application/json': { schema: error } } }]));

const documentHit: Schema = {
  type: 'object',
  required: ['documentId', 'notation', 'sender', 'subject', 'acceptedAt', 'recipients'],
  properties: { documentId: str, notation: nullableString, sender: nullableString, subject: nullableString, acceptedAt: nullableString, recipients: { type: 'array', items: str } },
};

const delivery: Schema = {
  type: 'object',
  description: "one recipient's delivery, as the delivery service holds it",
  properties: {
    deliveryId: str,
    packageId: str,
    documentId: nullableString,
    senderCode: str,
    recipientCode: str,
    deliverToCode: { ...str, description: 'the agency whose system receives it (a hub for a unit without a system)' },
    subject: nullableString,
    state: { type: 'string', enum: ['queued', 'fetched', 'acknowledged', 'failed', 'dead', 'withdrawn'] },
    attempts: integer,
    lastError: nullableString,
    deadline: { ...nullableString, description: 'Decree 30: the end of the working day it must be taken in by' },
    deadlineMissed: { type: 'boolean' },
    queuedAt: nullableString,
    fetchedAt: nullableString,
    acknowledgedAt: nullableString,
    ackResult: nullableString,
    ackReason: nullableString,
    route: nullableString,
    signatureVerdict: nullableString,
    statuses: { type: 'array', description: 'business statuses (01…06, 13, 15, 16) reported on it, in order', items: { type: 'object', properties: { code: str, at: str, description: nullableString } } },
  },
};

const tracePackage: Schema = {
  type: 'object',
  properties: {
    packageId: str,
    role: { type: 'string', enum: ['document', 'status', 'revoke', 'update', 'replace'], description: "document: the document's own package; status: a status about it; revoke/update/replace: a later document that revokes, updates or replaces it (byDocumentId)" },
    sender: nullableString,
    recipients: { type: 'array', items: str },
    acceptedAt: nullableString,
    subject: nullableString,
    statusCode: nullableString,
    stage: { type: 'string', enum: ['accepted', 'signature-rejected', 'routing-rejected'] },
    errorCode: nullableString,
    change: { ...nullableString, description: 'for its own package, when the document itself revokes (1), updates (2) or replaces (3) relatedDocumentId' },
    relatedDocumentId: nullableString,
    byDocumentId: nullableString,
  },
};

const operationsPaths: Record<string, Schema> = {
  '/statistics/v1/documents': {
    get: {
      summary: 'Find documents by DocumentId, by number and notation, or by sender and days',
      operationId: 'documents',
      description: 'Exactly one of documentId, notation, sender. Every search reads one `_id` range of the document lookup. An agency admin sees the documents its subtree sent or received; the others see every document.',
      parameters: [
        query('documentId', 'The edXML DocumentId (or, for a package without one, its package id).', str, '000.00.00.G22,2025/07/15,7816/VPCP-TTĐT'),
        query('notation', 'The start of `<number>/<notation>`; marks, case and white space ignored.', str, '7816/vpcp-ttdt'),
        query('sender', 'The sending agency (canonical code), with from/to.', str, '000.00.00.G22'),
        query('from', 'With sender: the first day (yyyy-MM-dd, Vietnam time); default 30 days before to.', str, '2025-07-01'),
        query('to', 'With sender: the last day; default today.', str, '2025-07-31'),
        limit(20),
        query('after', 'The previous page\'s nextAfter.'),
      ],
      responses: {
        '200': { description: 'a page of documents', content: { 'application/json': { schema: { type: 'object', properties: { by: str, items: { type: 'array', items: documentHit }, nextAfter: { ...nullableString, description: 'pass as `after` for the next page (which may be empty)' } } } } } },
        ...refusals({
          '400': 'STATISTICS.BAD_SEARCH, BAD_DOCUMENT_ID, BAD_AGENCY (sender), BAD_DATE, BAD_RANGE, RANGE_TOO_LONG, BAD_LIMIT, BAD_PARAMETER',
          '401': 'no valid session (STATISTICS.LOGIN_REQUIRED, SESSION_INVALID), when accounts are configured',
        }),
      },
    },
  },
  '/statistics/v1/documents/trace': {
    get: {
      summary: "A document's trace: every package about it and each recipient's delivery",
      operationId: 'documentTrace',
      description: 'The packages come from the document lookup; the deliveries of its own packages from the delivery service (`delivery.v1`, called as service:statistics). An agency admin that did not send it sees only the deliveries to its subtree.',
      parameters: [{ ...query('documentId', 'The DocumentId (or package id).', str, '000.00.00.G22,2025/07/15,7816/VPCP-TTĐT'), required: true }],
      responses: {
        '200': {
          description: 'the trace; deliveries null with deliveryError STATISTICS.DELIVERY_UNAVAILABLE when the delivery service is not configured or did not answer',
          content: { 'application/json': { schema: { allOf: [documentHit, { type: 'object', properties: { packages: { type: 'array', items: tracePackage }, deliveries: { oneOf: [{ type: 'array', items: delivery }, { type: 'null' }] }, deliveryError: nullableString } }] } } },
        },
        ...refusals({
          '400': 'STATISTICS.BAD_DOCUMENT_ID, BAD_PARAMETER',
          '401': 'no valid session',
          '403': 'STATISTICS.OUTSIDE_SCOPE: an agency admin, for a document its subtree neither sent nor received',
          '404': 'STATISTICS.UNKNOWN_DOCUMENT',
        }),
      },
    },
  },
  '/statistics/v1/dead-letters': {
    get: {
      summary: 'Deliveries whose pushes gave up (state dead), by page',
      operationId: 'deadLetters',
      description: "From the delivery service's ListDead, in delivery id order, page after page: nextAfter says where the next page starts. An agency admin sees those to its subtree (recipient or receiving agency); a page that looked at 2,000 dead letters without filling up ends early, with its nextAfter.",
      parameters: [limit(50), query('after', 'The previous page\'s nextAfter (a delivery id).')],
      responses: {
        '200': { description: 'a page of dead letters', content: { 'application/json': { schema: { type: 'object', properties: { items: { type: 'array', items: delivery }, nextAfter: nullableString } } } } },
        ...refusals({ '400': 'STATISTICS.BAD_LIMIT, BAD_DELIVERY_ID (after), BAD_PARAMETER', '401': 'no valid session', '503': 'STATISTICS.DELIVERY_UNAVAILABLE' }),
      },
    },
  },
  '/statistics/v1/dead-letters/redrive': {
    post: {
      summary: 'Send a dead letter back to the queue (central office only)',
      operationId: 'redrive',
      description: 'Calls the delivery service\'s Redrive; recorded as DeliveryRedriven by operator `console:<user>`. The role is checked before the body.',
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['deliveryId'], additionalProperties: false, properties: { deliveryId: { ...str, example: '0190a1b2-…/000.00.00.H53' } } } } } },
      responses: {
        '200': { description: 'the delivery, queued again', content: { 'application/json': { schema: delivery } } },
        ...refusals({
          '400': 'STATISTICS.BAD_DELIVERY_ID; or the delivery service\'s DELIVERY.NOT_DEAD, DELIVERY.WITHDRAWN, passed on as they are',
          '401': 'no valid session',
          '403': 'STATISTICS.ROLE_FORBIDDEN: an agency admin or a viewer',
          '404': 'DELIVERY.UNKNOWN_DELIVERY',
          '503': 'STATISTICS.DELIVERY_UNAVAILABLE',
        }),
      },
    },
  },
};

/** The OpenAPI document served at `/docs/openapi.json`. */
export function openApiDocument(): Schema {
  return {
    openapi: '3.1.0',
    info: {
      title: 'vdx statistics',
      version: '1',
      description:
        'Reports of the national document interconnection axis for the central office: what was sent and received, signed, how fast it moved, Decree 30 misses, refusals and findings, connected agencies. Periods are in Vietnam time (UTC+7). Read models are rebuilt from the event log by `vdx replay statistics`.',
    },
    components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'vdx_statistics_session', description: 'set by POST /statistics/v1/login (docs/adr/0017-console-access.md)' } } },
    security: [{ session: [] }],
    paths: {
      '/statistics/v1/report': {
        get: operation('report', 'Sent and received: flows, statuses, signatures, Decree 30, latency', {
          type: 'object',
          properties: {
            ...header,
            direction: { type: 'string' },
            kind: { type: 'string' },
            priority: { type: 'string' },
            total: figures,
            series: { type: 'array', items: { type: 'object', properties: { period: { type: 'string' }, figures } } },
            items: { type: 'array', items: { allOf: [agencyRef, { type: 'object', properties: { figures } }] } },
          },
        }),
      },
      '/statistics/v1/quality': {
        get: operation('quality', 'Refusals and findings per code, of the packages each agency sent', {
          type: 'object',
          properties: {
            ...header,
            total: quality,
            series: { type: 'array', items: { type: 'object', properties: { period: { type: 'string' }, quality } } },
            items: { type: 'array', items: { allOf: [agencyRef, { type: 'object', properties: { quality } }] } },
          },
        }),
      },
      '/statistics/v1/connected': {
        get: operation('connected', 'Agencies and connected agencies per level, nationally or in a level-1 subtree', {
          type: 'object',
          properties: {
            agency: { oneOf: [agencyRef, { type: 'null' }] },
            levels: {
              type: 'array',
              items: { type: 'object', properties: { level: integer, agencies: integer, connected: integer, suspended: integer, retired: integer } },
            },
          },
        }),
      },
      ...operationsPaths,
      ...sessionPaths,
    },
  };
}
