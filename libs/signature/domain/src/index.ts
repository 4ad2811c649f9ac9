export * from './verdict';
export * from './integrity-verifier';
