export * from './decider-specification';
export * from './read-model-fold';
