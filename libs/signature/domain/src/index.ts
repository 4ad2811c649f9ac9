export * from './verdict';
export * from './integrity-verifier';
export * from './cryptographic-verifier';
export * from './evidence-record';
