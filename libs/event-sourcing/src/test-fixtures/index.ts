export * from './replay-bed';
