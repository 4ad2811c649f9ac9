/** Injection tokens of what ServiceKitModule provides; plain symbols so no class is needed. */
export const SERVICE_NAME = Symbol('vdx.service-kit.service-name');
export const SERVICE_CONFIG = Symbol('vdx.service-kit.config');
export const KAFKA = Symbol('vdx.service-kit.kafka');
export const MONGO_CLIENT = Symbol('vdx.service-kit.mongo-client');
export const MONGO_DB = Symbol('vdx.service-kit.mongo-db');
export const METRICS_REGISTRY = Symbol('vdx.service-kit.metrics-registry');
export const KAFKA_READINESS = Symbol('vdx.service-kit.kafka-readiness');
export const STORE_READINESS = Symbol('vdx.service-kit.store-readiness');
export const READINESS_METRICS = Symbol('vdx.service-kit.readiness-metrics');
