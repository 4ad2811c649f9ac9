export * from './in-memory-axis';
export * from './java-hash-map';
export * from './reference-client';
