import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { TokenProvider } from '../data/client.js';
import { asSignalboxError, type SignalboxError } from '../data/errors.js';
import { emit } from './events.js';

/**
 * What a data component shows besides its content: loading, or the data, or what went wrong
 * (the component words the error, empty and permission-denied states from it).
 */
export type LoadState<T> =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly data: T }
  | { readonly status: 'error'; readonly error: SignalboxError };

/** The element a LoadController serves: a Lit host that takes the embedding contract's inputs. */
export interface LoadHost extends ReactiveControllerHost, EventTarget {
  readonly apiUrl: string | null | undefined;
  readonly tokenProvider: TokenProvider | undefined;
}

export interface LoadOptions<T, A extends readonly unknown[]> {
  /**
   * The element's inputs besides `api-url` and the token provider (which always count): when
   * one changes, the data is loaded again at the next update. Compared one by one with `Object.is`.
   */
  readonly args: () => A;
  /** Loads the data for `args`. `signal` aborts when a newer load starts or the element leaves the page. */
  readonly task: (args: A, signal: AbortSignal) => Promise<T>;
  /**
   * Load again whenever the element comes back to the page, not only when its load was cut
   * short: for data that follows changes live, which it missed while away.
   */
  readonly reloadOnReconnect?: boolean;
}

/**
 * The one load lifecycle of every data component: loads on the first update and whenever an
 * input changes, aborts a load that is superseded or whose element leaves the page, loads again
 * when the element comes back, never lets an older answer overwrite a newer one, and reports
 * a failure with `sb-error` on the element.
 */
export class LoadController<T, A extends readonly unknown[] = readonly unknown[]>
  implements ReactiveController
{
  readonly #host: LoadHost;
  readonly #options: LoadOptions<T, A>;
  #state: LoadState<T> = { status: 'loading' };
  #value: T | undefined;
  #abort: AbortController | undefined;
  /** The inputs of the latest load; undefined until the first update. */
  #inputs: readonly unknown[] | undefined;
  /** A load was cut short by disconnection and is owed when the element comes back. */
  #interrupted = false;

  constructor(host: LoadHost, options: LoadOptions<T, A>) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  get state(): LoadState<T> {
    return this.#state;
  }

  /** The data of the latest successful load: kept while the next one runs, gone after a failure. */
  get value(): T | undefined {
    return this.#value;
  }

  hostConnected(): void {
    if (this.#interrupted || (this.#options.reloadOnReconnect && this.#inputs !== undefined)) {
      void this.run();
    }
  }

  hostDisconnected(): void {
    if (this.#abort) {
      this.#abort.abort();
      this.#abort = undefined;
      this.#interrupted = true;
    }
  }

  hostUpdate(): void {
    const previous = this.#inputs;
    if (previous === undefined || this.#inputsNow().some((input, i) => !Object.is(input, previous[i]))) {
      void this.run();
    }
  }

  /** Loads again with the current inputs; settles when this load has (or was superseded). */
  async run(): Promise<void> {
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    this.#interrupted = false;
    const args = this.#options.args();
    this.#inputs = this.#inputsNow(args);
    this.#set({ status: 'loading' });
    try {
      const data = await this.#options.task(args, abort.signal);
      // An aborted load was superseded or its element left the page: nothing to show.
      if (!abort.signal.aborted) {
        this.show(data);
      }
    } catch (error) {
      if (!abort.signal.aborted) {
        this.fail(asSignalboxError(error));
      }
    } finally {
      if (this.#abort === abort) {
        this.#abort = undefined;
      }
    }
  }

  /** Shows data that arrived another way: a live update, a mutation's answer. */
  show(data: T): void {
    this.#value = data;
    this.#set({ status: 'ready', data });
  }

  /** Shows a failure, also one that happened another way (a refused mutation), and reports it with `sb-error`. */
  fail(error: SignalboxError): void {
    this.#value = undefined;
    this.#set({ status: 'error', error });
    emit(this.#host, 'sb-error', { code: error.code, message: error.message });
  }

  #inputsNow(args: A = this.#options.args()): readonly unknown[] {
    return [this.#host.apiUrl, this.#host.tokenProvider, ...args];
  }

  #set(state: LoadState<T>): void {
    this.#state = state;
    this.#host.requestUpdate();
  }
}
