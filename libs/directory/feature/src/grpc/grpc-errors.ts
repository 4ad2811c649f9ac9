import { ERROR_CODE_KEY, ERROR_PATH_KEY, GrpcErrors } from '@vdx/service-kit';

export { ERROR_CODE_KEY, ERROR_PATH_KEY };

/** `DirectoryService`'s answers to failed calls: the one gRPC error mapping of `@vdx/service-kit`, as the directory words it. */
export const directoryErrors = new GrpcErrors({
  area: 'DIRECTORY',
  name: 'directory',
  unavailable: 'the directory cannot reach its store or broker right now; nothing was recorded, try again',
  internal: 'the directory could not complete the call',
});

