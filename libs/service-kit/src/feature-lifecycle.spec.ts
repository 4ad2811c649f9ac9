import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FeatureLifecycle, featureModule } from './feature-lifecycle';

const OPTIONS = Symbol('TEST_OPTIONS');

/** Records what happens, in order. */
class Journal {
  readonly lines: string[] = [];
  readonly errors: string[] = [];
  readonly logger = { error: (m: string) => this.errors.push(m) };
}

class Part {
  constructor(
    private readonly name: string,
    private readonly journal: Journal,
    private readonly failStop = false,
  ) {}
  async start(): Promise<this> {
    this.journal.lines.push(`start ${this.name}`);
    return this;
  }
  async stop(): Promise<void> {
    this.journal.lines.push(`stop ${this.name}`);
    if (this.failStop) throw new Error(`${this.name} would not stop`);
  }
}

class Lifecycle extends FeatureLifecycle {
  readonly journal = new Journal();
  protected readonly logger = this.journal.logger;
  constructor(private readonly plan: { failStartAt?: number; failStop?: readonly string[] } = {}) {
    super();
  }
  protected async start(): Promise<void> {
    const names = ['projection', 'consumer', 'scheduler'];
    for (const [i, name] of names.entries()) {
      if (this.plan.failStartAt === i) throw new Error(`${name} would not start`);
      this.started(name, await new Part(name, this.journal, this.plan.failStop?.includes(name)).start());
    }
    this.stopLater('producer', () => this.journal.lines.push('disconnect producer'));
  }
}

describe('FeatureLifecycle', () => {
  it('stops what it started in reverse order', async () => {
    const life = new Lifecycle();
    await life.onApplicationBootstrap();
    await life.onApplicationShutdown();
    expect(life.journal.lines).toEqual(['start projection', 'start consumer', 'start scheduler', 'disconnect producer', 'stop scheduler', 'stop consumer', 'stop projection']);
    // A second shutdown has nothing left to stop.
    await life.onApplicationShutdown();
    expect(life.journal.lines).toHaveLength(7);
  });

  it('stops what a boot that failed halfway had started', async () => {
    const life = new Lifecycle({ failStartAt: 2 });
    await expect(life.onApplicationBootstrap()).rejects.toThrow('scheduler would not start');
    await life.onApplicationShutdown();
    expect(life.journal.lines).toEqual(['start projection', 'start consumer', 'stop consumer', 'stop projection']);
  });

  it('runs every stop when one fails, logs it, and rethrows the first failure after the others', async () => {
    const life = new Lifecycle({ failStop: ['consumer', 'scheduler'] });
    await life.onApplicationBootstrap();
    await expect(life.onApplicationShutdown()).rejects.toThrow('scheduler would not stop');
    expect(life.journal.lines.slice(3)).toEqual(['disconnect producer', 'stop scheduler', 'stop consumer', 'stop projection']);
    expect(life.journal.errors).toEqual(['stopping scheduler failed: scheduler would not stop', 'stopping consumer failed: consumer would not stop']);
  });
});

describe('featureModule', () => {
  @Injectable()
  class Greeter {}

  it('provides the options, the parts and the lifecycle, which Nest boots and shuts down', async () => {
    const journal = new Journal();
    @Injectable()
    class ModuleLifecycle extends FeatureLifecycle {
      protected readonly logger = journal.logger;
      protected async start(): Promise<void> {
        journal.lines.push('start');
        this.stopLater('greeter', () => journal.lines.push('stop'));
      }
    }
    @Module({})
    class FeatureModule {}
    const dynamic = featureModule(FeatureModule, OPTIONS, { greeting: 'xin chào' }, ModuleLifecycle, { providers: [Greeter], exports: [Greeter] });
    expect(dynamic).toMatchObject({ module: FeatureModule, exports: [Greeter] });
    expect(dynamic).not.toHaveProperty('controllers');
    @Module({})
    class Root {
      static forRoot() {
        return { module: Root, imports: [dynamic] };
      }
    }
    const app = await NestFactory.createApplicationContext(Root.forRoot(), { logger: false });
    expect(app.get(OPTIONS)).toEqual({ greeting: 'xin chào' });
    expect(app.get(Greeter)).toBeInstanceOf(Greeter);
    await app.close();
    expect(journal.lines).toEqual(['start', 'stop']);
  });
});
