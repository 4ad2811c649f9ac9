import { Metadata, Server, ServerCredentials, loadPackageDefinition, status, type ServerReadableStream, type sendUnaryData } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { AGENCY_ENDPOINT_PROTO, ERROR_CODE_KEY } from '@vdx/contracts';
import type { exchangeV1 } from '@vdx/contracts/grpc';
import type { Delivery } from '@vdx/delivery-domain';
import { PushCallError, pushDelivery } from './push-client';

// The push against a real AgencyEndpoint on loopback (loaded as a connected system would).
describe('pushDelivery', () => {
  const server = new Server();
  const received: { messages: (keyof exchangeV1.DeliverMessage)[]; item?: exchangeV1.InboxItem; body: Buffer } = { messages: [], body: Buffer.alloc(0) };
  let port = 0;

  beforeAll(async () => {
    const pkg = loadPackageDefinition(loadSync(AGENCY_ENDPOINT_PROTO.file, { includeDirs: [AGENCY_ENDPOINT_PROTO.root], keepCase: false, longs: Number, enums: String, defaults: false, oneofs: true })) as unknown as {
      vdx: { exchange: { v1: { AgencyEndpoint: { service: never } } } };
    };
    server.addService(pkg.vdx.exchange.v1.AgencyEndpoint.service, {
      Deliver: (call: ServerReadableStream<exchangeV1.DeliverMessage & { part: 'item' | 'chunk' }, unknown>, cb: sendUnaryData<unknown>) => {
        const chunks: Buffer[] = [];
        received.messages = [];
        call.on('data', (m: exchangeV1.DeliverMessage & { part: 'item' | 'chunk' }) => {
          received.messages.push(m.part);
          if (m.item) received.item = m.item;
          if (m.chunk) chunks.push(Buffer.from(m.chunk));
        });
        call.on('end', () => {
          received.body = Buffer.concat(chunks);
          if (received.item?.deliveryId === 'refused') {
            const md = new Metadata();
            md.set(ERROR_CODE_KEY, 'EXCHANGE.NOT_AUTHORISED');
            return cb({ code: status.PERMISSION_DENIED, details: 'not ours', metadata: md });
          }
          cb(null, { deliveryId: received.item?.deliveryId ?? '' });
        });
      },
    });
    port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  });
  afterAll(() => server.forceShutdown());

  const delivery = (deliveryId: string, endpoint: string): Delivery =>
    ({
      deliveryId,
      packageId: 'p-1',
      package: { kind: 'edoc', senderCode: '000.00.00.G22', bodySize: 11, bodySha256: 'ab'.repeat(32), documentId: null, statusCode: null, subject: 'Đẩy' },
      recipientCode: '000.00.01.H53',
      state: 'queued',
      queuedAt: '2026-12-01T00:00:00.000Z',
      route: 'direct',
      via: [],
      endpoint,
    }) as unknown as Delivery;

  async function* body(): AsyncGenerator<Uint8Array> {
    yield Buffer.from('hello ');
    yield Buffer.from('world');
  }

  it('sends the inbox item first, then the body in chunks, and resolves on the endpoint’s OK', async () => {
    await pushDelivery(delivery('d-1', `grpc://127.0.0.1:${port}`), body(), 10_000);
    expect(received.messages).toEqual(['item', 'chunk', 'chunk']);
    expect(received.item).toMatchObject({ deliveryId: 'd-1', packageId: 'p-1', kind: 'edoc', senderCode: '000.00.00.G22', subject: 'Đẩy', bodySize: 11, route: 'direct' });
    expect(received.body.toString()).toBe('hello world');
  });

  it('rejects with PushCallError carrying the endpoint’s code and a message that starts with the status', async () => {
    const err: unknown = await pushDelivery(delivery('refused', `127.0.0.1:${port}`), body(), 10_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PushCallError);
    expect(err).toMatchObject({ code: 'EXCHANGE.NOT_AUTHORISED', grpcStatus: status.PERMISSION_DENIED, message: `${status.PERMISSION_DENIED} not ours` });
  });

  it('rejects with GRPC.14 when nothing listens at the endpoint', async () => {
    const closed = new Server();
    const free = await new Promise<number>((resolve, reject) => closed.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    closed.forceShutdown();
    const err: unknown = await pushDelivery(delivery('d-2', `127.0.0.1:${free}`), body(), 5000).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: `GRPC.${status.UNAVAILABLE}`, grpcStatus: status.UNAVAILABLE });
    expect((err as Error).message).toMatch(/^14 /);
  });

  it('cancels the push and rejects with the body’s error when the body cannot be read', async () => {
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('part');
      throw new Error('BLOB.NOT_FOUND: body gone');
    }
    await expect(pushDelivery(delivery('d-3', `127.0.0.1:${port}`), broken(), 10_000)).rejects.toThrow('BLOB.NOT_FOUND: body gone');
  });
});
