import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ReactiveController } from 'lit';
import type { TokenProvider } from '../data/client.js';
import { SignalboxError } from '../data/errors.js';
import type { SbErrorDetail } from './events.js';
import { LoadController, type LoadHost, type LoadOptions } from './load-controller.js';

/** What Lit does with a controller, by hand: updates, connections and the events it hears. */
class FakeHost extends EventTarget implements LoadHost {
  apiUrl: string | null | undefined = 'http://127.0.0.1:1/graphql';
  tokenProvider: TokenProvider | undefined = () => 'token';
  id: string | null = 'a';
  updatesRequested = 0;
  readonly errors: SbErrorDetail[] = [];
  readonly #controllers: ReactiveController[] = [];

  constructor() {
    super();
    this.addEventListener('sb-error', (event) => {
      const { bubbles, composed, detail } = event as CustomEvent<SbErrorDetail>;
      assert.ok(bubbles && composed, 'sb-error bubbles out of shadow roots');
      this.errors.push(detail);
    });
  }

  addController(controller: ReactiveController): void {
    this.#controllers.push(controller);
  }

  removeController(): void {}

  requestUpdate(): void {
    this.updatesRequested += 1;
  }

  get updateComplete(): Promise<boolean> {
    return Promise.resolve(true);
  }

  update(): void {
    for (const c of this.#controllers) c.hostUpdate?.();
  }

  disconnect(): void {
    for (const c of this.#controllers) c.hostDisconnected?.();
  }

  connect(): void {
    for (const c of this.#controllers) c.hostConnected?.();
  }
}

/** A load the test answers when it wants to, whatever its signal says. */
class Pending<T> {
  readonly signal: AbortSignal;
  readonly promise: Promise<T>;
  resolve!: (value: T) => void;
  reject!: (error: unknown) => void;

  constructor(signal: AbortSignal) {
    this.signal = signal;
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}

/** A host with a controller whose every load is a Pending the test holds. */
function loader(options: Partial<LoadOptions<string, readonly [string | null]>> = {}) {
  const host = new FakeHost();
  const loads: Array<Pending<string> & { readonly id: string | null }> = [];
  const controller = new LoadController(host, {
    args: () => [host.id] as const,
    task: ([id], signal) => {
      const load = Object.assign(new Pending<string>(signal), { id });
      loads.push(load);
      return load.promise;
    },
    ...options,
  });
  return { host, loads, controller };
}

/** Lets the controller see a settled load (its continuation is a few microtasks away). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A loader past its first update, its first load answered with 'data of a'. */
async function loaded(options: Parameters<typeof loader>[0] = {}): Promise<ReturnType<typeof loader>> {
  const world = loader(options);
  world.host.update();
  world.loads[0]?.resolve('data of a');
  await settle();
  return world;
}

describe('The load controller loads on the first update and shows what came back', () => {
  test('it starts loading at the first update and shows the data once it arrives', async () => {
    const { host, loads, controller } = loader();
    assert.deepEqual(controller.state, { status: 'loading' });
    assert.equal(loads.length, 0, 'nothing is asked before the first update');

    host.update();
    assert.equal(loads.length, 1);
    assert.deepEqual(controller.state, { status: 'loading' });
    loads[0]?.resolve('data of a');
    await settle();

    assert.deepEqual(controller.state, { status: 'ready', data: 'data of a' });
    assert.equal(controller.value, 'data of a');
    assert.ok(host.updatesRequested >= 2, 'the host re-renders for loading and for the data');
    assert.deepEqual(host.errors, []);
  });

  test('a failure shows the error and fires sb-error with its code', async () => {
    const { host, loads, controller } = loader();
    host.update();
    loads[0]?.reject(new SignalboxError('NETWORK_ERROR', 'The API could not be reached.'));
    await settle();

    assert.equal(controller.state.status, 'error');
    assert.equal(controller.state.status === 'error' && controller.state.error.code, 'NETWORK_ERROR');
    assert.equal(controller.value, undefined);
    assert.deepEqual(host.errors, [{ code: 'NETWORK_ERROR', message: 'The API could not be reached.' }]);
  });

  test('a refusal keeps its code, so the component can show permission denied', async () => {
    for (const code of ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND'] as const) {
      const { host, loads, controller } = loader();
      host.update();
      loads[0]?.reject(new SignalboxError(code, `refused: ${code}`));
      await settle();

      assert.equal(controller.state.status === 'error' && controller.state.error.code, code);
      assert.deepEqual(host.errors, [{ code, message: `refused: ${code}` }]);
    }
  });

  test('anything else thrown reads as UNKNOWN', async () => {
    const { host, loads, controller } = loader();
    host.update();
    loads[0]?.reject(new TypeError('boom'));
    await settle();

    assert.equal(controller.state.status === 'error' && controller.state.error.code, 'UNKNOWN');
    assert.deepEqual(host.errors, [{ code: 'UNKNOWN', message: 'Something went wrong.' }]);
  });

  test('run() settles when its load has, so a caller can wait for fresh data', async () => {
    const { host, loads, controller } = loader();
    host.update();
    loads[0]?.resolve('first');
    await settle();

    const again = controller.run();
    assert.deepEqual(controller.state, { status: 'loading' });
    assert.equal(controller.value, 'first', 'the last data stays at hand while the next load runs');
    loads[1]?.resolve('second');
    await again;
    assert.deepEqual(controller.state, { status: 'ready', data: 'second' });
  });
});

describe('The load controller loads again when an input changes', () => {
  test('an update with the same inputs asks nothing', async () => {
    const { host, loads } = await loaded();

    host.update();
    host.update();
    assert.equal(loads.length, 1);
  });

  test('a changed argument, api-url or token provider loads again', async () => {
    const { host, loads } = loader();
    host.update();

    host.id = 'b';
    host.update();
    host.apiUrl = 'http://127.0.0.1:2/graphql';
    host.update();
    host.tokenProvider = () => 'another token';
    host.update();

    assert.deepEqual(
      loads.map((l) => l.id),
      ['a', 'b', 'b', 'b'],
    );
    assert.deepEqual(
      loads.map((l) => l.signal.aborted),
      [true, true, true, false],
      'each new load aborts the one it replaces',
    );
  });
});

describe('A stale answer never overwrites a newer one', () => {
  test('the older load answering last is ignored', async () => {
    const { host, loads, controller } = loader();
    host.update();
    host.id = 'b';
    host.update();

    loads[1]?.resolve('data of b');
    await settle();
    loads[0]?.resolve('data of a');
    await settle();

    assert.deepEqual(controller.state, { status: 'ready', data: 'data of b' });
  });

  test('the older load failing last neither shows nor reports its error', async () => {
    const { host, loads, controller } = loader();
    host.update();
    host.id = 'b';
    host.update();

    loads[1]?.resolve('data of b');
    await settle();
    loads[0]?.reject(new SignalboxError('ABORTED', 'The request was aborted.'));
    await settle();

    assert.deepEqual(controller.state, { status: 'ready', data: 'data of b' });
    assert.deepEqual(host.errors, []);
  });
});

describe('The load controller follows the element on and off the page', () => {
  test('leaving the page aborts the load, and its late answer is ignored', async () => {
    const { host, loads, controller } = loader();
    host.update();

    host.disconnect();
    assert.equal(loads[0]?.signal.aborted, true);
    loads[0]?.reject(new SignalboxError('ABORTED', 'The request was aborted.'));
    await settle();

    assert.deepEqual(controller.state, { status: 'loading' });
    assert.deepEqual(host.errors, []);
  });

  test('coming back loads what leaving cut short', async () => {
    const { host, loads, controller } = loader();
    host.update();
    host.disconnect();

    host.connect();
    assert.equal(loads.length, 2);
    loads[1]?.resolve('data of a');
    await settle();
    assert.deepEqual(controller.state, { status: 'ready', data: 'data of a' });
  });

  test('coming back after a finished load asks nothing', async () => {
    const { host, loads } = await loaded();

    host.disconnect();
    host.connect();
    assert.equal(loads.length, 1);
  });

  test('with reloadOnReconnect, coming back always loads afresh', async () => {
    const { host, loads, controller } = loader({ reloadOnReconnect: true });
    host.connect();
    assert.equal(loads.length, 0, 'the first connection waits for the first update');
    host.update();
    loads[0]?.resolve('data of a');
    await settle();

    host.disconnect();
    host.connect();
    assert.equal(loads.length, 2);
    assert.deepEqual(controller.state, { status: 'loading' });
  });
});

describe('Data and failures that arrive another way', () => {
  test('show() replaces the data, as a live update does', async () => {
    const { controller } = await loaded();

    controller.show('newer data of a');
    assert.deepEqual(controller.state, { status: 'ready', data: 'newer data of a' });
    assert.equal(controller.value, 'newer data of a');
  });

  test('fail() shows the failure and reports it, as a refused mutation does', async () => {
    const { host, controller } = await loaded();

    controller.fail(new SignalboxError('FORBIDDEN', 'You may not vote.'));
    assert.equal(controller.state.status === 'error' && controller.state.error.code, 'FORBIDDEN');
    assert.equal(controller.value, undefined);
    assert.deepEqual(host.errors, [{ code: 'FORBIDDEN', message: 'You may not vote.' }]);
  });
});
