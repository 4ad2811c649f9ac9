export * from './agency';
export * from './commands';
export * from './decide';
export * from './directory.error';
export * from './evolve';
export { MAX_NAME_LENGTH, MAX_REASON_LENGTH } from './fields';
