import { Metadata, Server, ServerCredentials, credentials, loadPackageDefinition, status, type ServerReadableStream, type ServerUnaryCall, type ServerWritableStream, type sendUnaryData } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { DIRECTORY_PROTO, ERROR_CODE_KEY, ERROR_PATH_KEY, EXCHANGE_PROTO, STATUS_DETAILS_KEY, encodeErrorDetails } from '@vdx/contracts';
import { CallError } from '@vdx/contracts/errors';
import type { directoryV1, exchangeV1 } from '@vdx/contracts/grpc';
import { GrpcClient, type ServiceProto } from './grpc-client';

// A real grpc-js server on loopback, loading the protos as the services do (`defaults: false`),
// and the factory's clients against it: the shapes, the deadlines, the metadata and the one
// mapping of a failed call to CallError.

class DirectoryCallError extends CallError {
  override readonly name = 'DirectoryCallError';
}

type Handlers = Record<string, (...args: never[]) => void>;

function serviceOf(proto: ServiceProto): Parameters<Server['addService']>[0] {
  const pkg = loadPackageDefinition(loadSync(proto.file, { includeDirs: [proto.root], keepCase: false, longs: Number, enums: String, defaults: false, oneofs: true }));
  const ctor = `${proto.package}.${proto.service}`.split('.').reduce<unknown>((n, p) => (n as Record<string, unknown>)[p], pkg) as { service: Parameters<Server['addService']>[0] };
  return ctor.service;
}

function refusal(code: number, message: string, metadata: Record<string, string | Buffer>): { code: number; details: string; metadata: Metadata } {
  const md = new Metadata();
  for (const [k, v] of Object.entries(metadata)) md.set(k, v);
  return { code, details: message, metadata: md };
}

describe('GrpcClient against a real gRPC server', () => {
  const server = new Server();
  const seen: { traceparent?: string; sent: exchangeV1.SendPackageRequest[]; tracestate: unknown[] } = { sent: [], tracestate: [] };
  let target = '';
  let directory: GrpcClient<directoryV1.DirectoryService, DirectoryCallError>;
  let exchange: GrpcClient<exchangeV1.ExchangeService>;

  beforeAll(async () => {
    const directoryHandlers: Handlers = {
      GetAgency: (call: ServerUnaryCall<{ code?: string }, unknown>, cb: sendUnaryData<unknown>) => {
        seen.traceparent = call.metadata.get('traceparent')[0]?.toString();
        seen.tracestate = call.metadata.get('tracestate');
        const code = call.request.code ?? '';
        if (code === 'rich') return cb(refusal(status.NOT_FOUND, 'DIRECTORY.UNKNOWN_AGENCY: no agency', { [STATUS_DETAILS_KEY]: encodeErrorDetails({ grpcStatus: status.NOT_FOUND, code: 'DIRECTORY.UNKNOWN_AGENCY', message: 'no agency', path: 'code' }) }));
        if (code === 'trailer') return cb(refusal(status.INVALID_ARGUMENT, 'bad code', { [ERROR_CODE_KEY]: 'DIRECTORY.INVALID_FIELD', [ERROR_PATH_KEY]: 'code' }));
        if (code === 'bare') return cb(refusal(status.RESOURCE_EXHAUSTED, 'slow down', {}));
        if (code === 'silent') return undefined; // never answers: the deadline ends the call
        cb(null, { code, name: 'UBND tỉnh Tây Ninh', version: 3 });
      },
    };
    const exchangeHandlers: Handlers = {
      SendPackage: (call: ServerReadableStream<exchangeV1.SendPackageRequest, unknown>, cb: sendUnaryData<unknown>) => {
        const parts: exchangeV1.SendPackageRequest[] = [];
        call.on('data', (m: exchangeV1.SendPackageRequest) => parts.push(m));
        call.on('end', () => {
          seen.sent = parts;
          const size = parts.reduce((n, p) => n + (p.chunk?.length ?? 0), 0);
          cb(null, { packageId: 'p-1', outcome: 'accepted', bodySize: size });
        });
        call.on('error', () => undefined);
      },
      FetchPackage: (call: ServerWritableStream<{ deliveryId?: string }, unknown>) => {
        call.write({ data: Buffer.from('ab') });
        call.write({ data: Buffer.from('cd') });
        if (call.request.deliveryId === 'broken') return call.emit('error', refusal(status.FAILED_PRECONDITION, 'DELIVERY.NOT_FETCHED: not yet', { [ERROR_CODE_KEY]: 'DELIVERY.NOT_FETCHED', [ERROR_PATH_KEY]: 'delivery_id' }));
        call.end();
      },
    };
    server.addService(serviceOf(DIRECTORY_PROTO), directoryHandlers as never);
    server.addService(serviceOf(EXCHANGE_PROTO), exchangeHandlers as never);
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
    target = `127.0.0.1:${port}`;
    directory = new GrpcClient(DIRECTORY_PROTO, target, { security: credentials.createInsecure(), error: DirectoryCallError, timeoutMs: 10_000 });
    exchange = new GrpcClient(EXCHANGE_PROTO, target, { security: credentials.createInsecure() });
  });

  afterAll(async () => {
    directory.close();
    exchange.close();
    server.forceShutdown();
  });

  it('answers a unary call with the generated message shape, every field present', async () => {
    const agency = await directory.unary('GetAgency', { code: '000.00.00.H53' });
    expect(agency).toEqual({ code: '000.00.00.H53', name: 'UBND tỉnh Tây Ninh', parentCode: '', email: '', inCharge: '', status: '', validFrom: '', validTo: '', successorCode: '', systems: [], level: 0, version: 3 });
  });

  it('calls by name, camelCase too, for callers that choose the method at run time', async () => {
    expect(await directory.unaryByName<directoryV1.Agency>('getAgency', { code: 'x' })).toMatchObject({ code: 'x', version: 3 });
  });

  it('sends the call metadata, leaving out empty values', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await directory.unary('GetAgency', { code: 'y' }, { metadata: { traceparent, tracestate: '' } });
    expect(seen.traceparent).toBe(traceparent);
    expect(seen.tracestate).toEqual([]);
  });

  it('raises a refusal with rich details as the client class with their code, path and details', async () => {
    const err: unknown = await directory.unary('GetAgency', { code: 'rich' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DirectoryCallError);
    expect(err).toBeInstanceOf(CallError);
    expect(err).toMatchObject({ name: 'DirectoryCallError', code: 'DIRECTORY.UNKNOWN_AGENCY', path: 'code', grpcStatus: status.NOT_FOUND, message: 'DIRECTORY.UNKNOWN_AGENCY: no agency', details: { code: 'DIRECTORY.UNKNOWN_AGENCY', path: 'code' } });
  });

  it('reads the code and path from the vdx-error trailers when there are no rich details', async () => {
    const err: unknown = await directory.unary('GetAgency', { code: 'trailer' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DIRECTORY.INVALID_FIELD', path: 'code', grpcStatus: status.INVALID_ARGUMENT, message: 'bad code' });
    expect((err as CallError).details).toBeUndefined();
  });

  it('makes up GRPC.<status> when the service sent no code of ours', async () => {
    const err: unknown = await directory.unary('GetAgency', { code: 'bare' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: `GRPC.${status.RESOURCE_EXHAUSTED}`, path: '', grpcStatus: status.RESOURCE_EXHAUSTED });
  });

  it('ends a call at its deadline with GRPC.4', async () => {
    const started = Date.now();
    const err: unknown = await directory.unary('GetAgency', { code: 'silent' }, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: `GRPC.${status.DEADLINE_EXCEEDED}`, grpcStatus: status.DEADLINE_EXCEEDED });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses a method the service does not have with GRPC.12 of the client class', async () => {
    const err: unknown = await directory.unaryByName('NoSuchMethod', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DirectoryCallError);
    expect(err).toMatchObject({ code: 'GRPC.12', grpcStatus: status.UNIMPLEMENTED, path: 'method', message: 'DirectoryService has no method NoSuchMethod' });
  });

  it('refuses a service the proto does not have', () => {
    expect(() => new GrpcClient({ ...DIRECTORY_PROTO, service: 'NoSuchService' }, target, { security: credentials.createInsecure() })).toThrow('vdx/directory/v1/directory.proto has no service vdx.directory.v1.NoSuchService');
  });

  it('streams requests and resolves with the one response', async () => {
    const receipt = await exchange.clientStream('SendPackage', (call) => {
      call.write({ header: { senderCode: '000.00.00.H53', kind: 'edoc' } });
      call.write({ chunk: Buffer.from('hello ') });
      call.write({ chunk: Buffer.from('world') });
    });
    expect(receipt).toMatchObject({ packageId: 'p-1', outcome: 'accepted', bodySize: 11, duplicate: false, warnings: [] });
    expect(seen.sent.map((m) => (m as { part?: string }).part)).toEqual(['header', 'chunk', 'chunk']);
    expect(seen.sent[0]?.header).toMatchObject({ senderCode: '000.00.00.H53', kind: 'edoc' });
  });

  it('cancels a client stream whose writer fails, and rejects with the writer’s error', async () => {
    const err: unknown = await exchange
      .clientStream('SendPackage', (call) => {
        call.write({ header: { senderCode: 'x' } });
        throw new Error('the body could not be read');
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('the body could not be read');
  });

  it('iterates a server stream to its end', async () => {
    const chunks: string[] = [];
    for await (const c of exchange.messages(exchange.serverStream('FetchPackage', { deliveryId: 'd-1' }))) chunks.push(Buffer.from(c.data).toString());
    expect(chunks).toEqual(['ab', 'cd']);
  });

  it('throws a server stream’s failure as the client class, after the messages before it', async () => {
    const chunks: string[] = [];
    const err: unknown = await (async () => {
      for await (const c of exchange.messages(exchange.serverStream('FetchPackage', { deliveryId: 'broken' }))) chunks.push(Buffer.from(c.data).toString());
    })().catch((e: unknown) => e);
    expect(chunks).toEqual(['ab', 'cd']);
    expect(err).toBeInstanceOf(CallError);
    expect(err).toMatchObject({ code: 'DELIVERY.NOT_FETCHED', path: 'delivery_id', grpcStatus: status.FAILED_PRECONDITION });
  });
});
