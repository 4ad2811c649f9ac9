import { Type, type Schema } from 'avsc';
import { ContractError } from '../envelope/contract.error';

/**
 * One event type and every schema version it has ever been published with. Versions are
 * append-only: version N is `versions[N - 1]`; the last one is what writers use today. `T` is
 * the type's literal (`'vdx.delivery.DeliveryQueued'`) for definitions made by `defineEvent`, so
 * code compares and switches on `SomeEvent.type` rather than retyping the string.
 */
export interface EventDefinition<P = unknown, T extends string = string> {
  readonly type: T;
  readonly versions: readonly Schema[];
  /** Phantom field that carries the payload type for `defineEvent` callers; never set. */
  readonly __payload?: P;
}

/**
 * Declares an event type with its schema history (oldest first). The type is kept as its
 * literal: `defineEvent<'vdx.x.Thing', Thing>('vdx.x.Thing', […]).type` is `'vdx.x.Thing'`.
 */
export function defineEvent<const T extends string, P>(type: T, versions: readonly Schema[]): EventDefinition<P, T> {
  if (versions.length === 0) {
    throw new ContractError('CONTRACTS.UNKNOWN_SCHEMA', `event ${type} declares no schema`);
  }
  return { type, versions };
}

/** The payload type an event definition carries. */
export type PayloadOf<D> = D extends EventDefinition<infer P, string> ? P : never;

/** The literal type of an event definition. */
export type EventTypeOf<D> = D extends EventDefinition<unknown, infer T> ? T : never;

/** A compiled schema version with the fingerprint that travels in the `vdx-schema` header. */
export interface CatalogueEntry {
  readonly type: string;
  readonly version: number;
  readonly avro: Type;
  readonly fingerprint: string;
}

/** First 16 hex digits of SHA-256 over the Avro parsing canonical form of the schema. */
export function schemaFingerprint(avro: Type): string {
  return avro.fingerprint('sha256').toString('hex').slice(0, 16);
}

/**
 * Every event type the axis knows, by type and by fingerprint. Readers resolve data written
 * with any known version into the current one (Avro schema resolution).
 */
export class SchemaCatalogue {
  private readonly byType = new Map<string, readonly CatalogueEntry[]>();
  private readonly byPrint = new Map<string, CatalogueEntry>();
  private readonly resolvers = new Map<string, ReturnType<Type['createResolver']>>();

  constructor(definitions: readonly EventDefinition[]) {
    for (const def of definitions) {
      if (this.byType.has(def.type)) {
        throw new ContractError('CONTRACTS.DUPLICATE_SCHEMA', `event type ${def.type} is declared twice`);
      }
      const entries = def.versions.map((schema, i) => {
        const avro = Type.forSchema(schema);
        const entry: CatalogueEntry = { type: def.type, version: i + 1, avro, fingerprint: schemaFingerprint(avro) };
        const clash = this.byPrint.get(entry.fingerprint);
        if (clash && clash.type !== def.type) {
          throw new ContractError(
            'CONTRACTS.DUPLICATE_SCHEMA',
            `${def.type} v${entry.version} has the same schema as ${clash.type} v${clash.version}; give it its own record name`,
          );
        }
        this.byPrint.set(entry.fingerprint, entry);
        return entry;
      });
      this.byType.set(def.type, entries);
    }
  }

  /** Every type with all its versions, oldest first. */
  entries(): ReadonlyMap<string, readonly CatalogueEntry[]> {
    return this.byType;
  }

  /** The version writers use today. */
  current(type: string): CatalogueEntry {
    const versions = this.byType.get(type);
    const last = versions?.[versions.length - 1];
    if (!last) {
      throw new ContractError('CONTRACTS.UNKNOWN_EVENT_TYPE', `event type ${type} is not in the catalogue`, { path: 'type' });
    }
    return last;
  }

  /** The version that wrote a message, from its header fingerprint. */
  byFingerprint(fingerprint: string): CatalogueEntry {
    const entry = this.byPrint.get(fingerprint);
    if (!entry) {
      throw new ContractError('CONTRACTS.UNKNOWN_SCHEMA', `no schema with fingerprint ${fingerprint} in the catalogue`);
    }
    return entry;
  }

  /** Decodes bytes written with `writer` into the current version of the same type. */
  decodeToCurrent(writer: CatalogueEntry, bytes: Buffer): { version: number; value: unknown } {
    const reader = this.current(writer.type);
    if (reader.fingerprint === writer.fingerprint) {
      return { version: reader.version, value: reader.avro.fromBuffer(bytes) };
    }
    const key = `${writer.fingerprint}>${reader.fingerprint}`;
    let resolver = this.resolvers.get(key);
    if (!resolver) {
      resolver = reader.avro.createResolver(writer.avro);
      this.resolvers.set(key, resolver);
    }
    return { version: reader.version, value: reader.avro.fromBuffer(bytes, resolver) };
  }
}
