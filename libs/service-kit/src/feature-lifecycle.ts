import type { DynamicModule, OnApplicationBootstrap, OnApplicationShutdown, Provider, Type } from '@nestjs/common';

/** How one started part of a feature is stopped: a consumer, a projection, a cache, a client, a server. */
export type StopFn = () => unknown;

/** What a feature's lifecycle reports to: a Nest `Logger` fits. */
export interface LifecycleLogger {
  error(message: string): void;
}

/**
 * The base of every feature's lifecycle provider. `start` runs at application bootstrap; right
 * after it starts a long-lived part it registers how to stop it (`stopLater`, or `started` for a
 * part with a `stop()` method). At shutdown the registered stops run in reverse order, each one
 * even if an earlier one failed, so the last part started is the first stopped and a boot that
 * failed halfway still releases what it had started. A failed stop is logged and rethrown after
 * the others have run (the first such error).
 */
export abstract class FeatureLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly stops: { what: string; stop: StopFn }[] = [];

  protected abstract readonly logger: LifecycleLogger;

  /** Starts the feature's parts, registering each one's stop as it goes. */
  protected abstract start(): Promise<void>;

  /** Registers `stop` to run at shutdown, before every stop registered earlier. */
  protected stopLater(what: string, stop: StopFn): void {
    this.stops.push({ what, stop });
  }

  /** Registers `part.stop()` and hands the part back, for `this.started('x', await start(x))`. */
  protected started<T extends { stop(): unknown }>(what: string, part: T): T {
    this.stopLater(what, () => part.stop());
    return part;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    let first: unknown = null;
    for (const { what, stop } of this.stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (err) {
        this.logger.error(`stopping ${what} failed: ${err instanceof Error ? err.message : String(err)}`);
        first ??= err;
      }
    }
    if (first !== null) throw first;
  }
}

/** The parts of a feature module besides its options and its lifecycle. */
export interface FeatureModuleParts {
  readonly controllers?: DynamicModule['controllers'];
  readonly providers?: readonly Provider[];
  readonly exports?: DynamicModule['exports'];
}

/**
 * The dynamic module of a feature: its options under `optionsToken`, its providers and
 * controllers, and its lifecycle provider (last, so it may inject every other provider).
 */
export function featureModule<O>(module: Type<unknown>, optionsToken: symbol, options: O, lifecycle: Type<FeatureLifecycle>, parts: FeatureModuleParts = {}): DynamicModule {
  return {
    module,
    ...(parts.controllers ? { controllers: parts.controllers } : {}),
    providers: [{ provide: optionsToken, useValue: options }, ...(parts.providers ?? []), lifecycle],
    ...(parts.exports ? { exports: parts.exports } : {}),
  };
}
