import protobuf from 'protobufjs';

// The standard gRPC rich error model (https://cloud.google.com/apis/design/errors): trailing
// metadata `grpc-status-details-bin` holds a google.rpc.Status whose details carry a
// google.rpc.ErrorInfo. Its `reason` is the axis's stable code (`EXCHANGE.NOT_AUTHORISED`), its
// `domain` the axis, and `metadata.path` the request field or edXML path at fault.

/** Trailing metadata key of the rich error model. */
export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';
export const ERROR_DOMAIN = 'vdx.axis';
const ERROR_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.ErrorInfo';

const descriptor: protobuf.INamespace = {
  nested: {
    google: {
      nested: {
        protobuf: { nested: { Any: { fields: { type_url: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } } } },
        rpc: {
          nested: {
            Status: { fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 }, details: { rule: 'repeated', type: 'google.protobuf.Any', id: 3 } } },
            ErrorInfo: { fields: { reason: { type: 'string', id: 1 }, domain: { type: 'string', id: 2 }, metadata: { keyType: 'string', type: 'string', id: 3 } as protobuf.IMapField } },
          },
        },
      },
    },
  },
};
const root = protobuf.Root.fromJSON(descriptor);
const Status = root.lookupType('google.rpc.Status');
const ErrorInfo = root.lookupType('google.rpc.ErrorInfo');

/** What a refused call says: the gRPC status, the stable code, the field at fault. */
export interface ErrorDetails {
  readonly grpcStatus: number;
  readonly code: string;
  readonly message: string;
  readonly path: string;
}

/** Encodes a google.rpc.Status carrying one ErrorInfo. */
export function encodeErrorDetails(d: ErrorDetails): Buffer {
  const info = ErrorInfo.encode(ErrorInfo.create({ reason: d.code, domain: ERROR_DOMAIN, metadata: d.path ? { path: d.path } : {} })).finish();
  const status = Status.create({ code: d.grpcStatus, message: d.message, details: [{ type_url: ERROR_INFO_TYPE_URL, value: info }] });
  return Buffer.from(Status.encode(status).finish());
}

/** Reads the ErrorInfo of a google.rpc.Status; undefined when there is none or it is unreadable. */
export function decodeErrorDetails(bytes: Uint8Array): ErrorDetails | undefined {
  try {
    const status = Status.toObject(Status.decode(bytes), { defaults: true }) as { code: number; message: string; details: { type_url: string; value: Uint8Array }[] };
    const any = status.details.find((d) => d.type_url === ERROR_INFO_TYPE_URL);
    if (!any) return undefined;
    const info = ErrorInfo.toObject(ErrorInfo.decode(any.value), { defaults: true }) as { reason: string; metadata: Record<string, string> };
    return { grpcStatus: status.code, code: info.reason, message: status.message, path: info.metadata['path'] ?? '' };
  } catch {
    return undefined;
  }
}

/** Trailing metadata every vdx gRPC refusal carries beside the rich details: the stable code and the field at fault. */
export const ERROR_CODE_KEY = 'vdx-error-code';
export const ERROR_PATH_KEY = 'vdx-error-path';

/** The parts of a gRPC client's error that a refusal is read from (`ServiceError` of `@grpc/grpc-js`). */
export interface GrpcClientError {
  readonly code: number;
  readonly details?: string;
  readonly message: string;
  readonly metadata?: { get(key: string): readonly unknown[] };
}

/**
 * What a refused call says, read the same way by every client: the code and path of the rich
 * details (`grpc-status-details-bin`) when the service sent them, else of the `vdx-error-code` /
 * `vdx-error-path` trailers, else `GRPC.<status>` (the service answered no code of ours).
 */
export function refusalOf(err: GrpcClientError): { code: string; message: string; options: { path: string; grpcStatus: number; details?: ErrorDetails } } {
  const raw = err.metadata?.get(STATUS_DETAILS_KEY)[0];
  const details = raw instanceof Uint8Array ? decodeErrorDetails(raw) : undefined;
  const trailer = (key: string): string | undefined => {
    const v = err.metadata?.get(key)[0];
    return v === undefined ? undefined : String(v);
  };
  const code = details?.code ?? trailer(ERROR_CODE_KEY) ?? `GRPC.${err.code}`;
  const path = details?.path ?? trailer(ERROR_PATH_KEY) ?? '';
  return { code, message: err.details || err.message, options: { path, grpcStatus: err.code, ...(details ? { details } : {}) } };
}
