export * from './guarded-writer';
export * from './projection';
export * from './projection-runner';
export * from './replay';
export * from './probe/probe-counts.projection';
export * from './owned-partitions';
export * from './decider';
