import { Metadata, type status } from '@grpc/grpc-js';
import { ERROR_CODE_KEY, ERROR_PATH_KEY, STATUS_DETAILS_KEY, encodeErrorDetails } from '@vdx/contracts';

/** Trailing metadata every vdx gRPC refusal carries: the stable code and the field at fault (defined in `@vdx/contracts`, where the clients read them). */
export { ERROR_CODE_KEY, ERROR_PATH_KEY };

/**
 * The metadata of a coded refusal, the same for every service: `vdx-error-code`,
 * `vdx-error-path`, and the standard rich error model (`grpc-status-details-bin` holding a
 * google.rpc.Status with an ErrorInfo whose reason is the code).
 */
export function codedErrorMetadata(grpcStatus: status, code: string, message: string, path: string): Metadata {
  const metadata = new Metadata();
  metadata.set(ERROR_CODE_KEY, code);
  if (path) metadata.set(ERROR_PATH_KEY, path);
  metadata.set(STATUS_DETAILS_KEY, encodeErrorDetails({ grpcStatus, code, message, path }));
  return metadata;
}
