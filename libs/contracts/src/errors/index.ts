// The error model: the base every coded error extends, the catalogue of codes and the map of
// each code to its gRPC status, HTTP status and consumer disposition. Importable on its own as
// `@vdx/contracts/errors` (no schema or codec is loaded with it).
export * from './coded-error';
export * from './error-codes';
export * from './error-map';
export * from './call-error';
