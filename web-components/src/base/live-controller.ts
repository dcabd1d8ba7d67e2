import type { ReactiveController } from 'lit';
import type { Variables } from '../data/client.js';
import { LiveClient, type LiveSink } from '../data/live.js';
import type { LoadHost } from './load-controller.js';

/**
 * An element's one live subscription (graphql-transport-ws on its `api-url`, with its token
 * provider): following something new ends the old one, and leaving the page ends it.
 */
export class LiveController implements ReactiveController {
  readonly #host: LoadHost;
  #stop: (() => void) | undefined;

  constructor(host: LoadHost) {
    this.#host = host;
    host.addController(this);
  }

  follow<TData>(query: string, variables: Variables, sink: LiveSink<TData>): void {
    this.stop();
    const apiUrl = this.#host.apiUrl;
    if (!apiUrl) return;
    const live = new LiveClient({ apiUrl, tokenProvider: () => this.#host.tokenProvider?.() });
    const unsubscribe = live.subscribe(query, variables, sink);
    this.#stop = () => {
      unsubscribe();
      live.dispose();
    };
  }

  stop(): void {
    this.#stop?.();
    this.#stop = undefined;
  }

  hostDisconnected(): void {
    this.stop();
  }
}
