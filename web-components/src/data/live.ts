import { createClient, type Client } from 'graphql-ws/client';
import type { TokenProvider, Variables } from './client.js';
import { SignalboxError, errorFromGraphQL, type GraphQLErrorEntry } from './errors.js';

/**
 * Live updates: GraphQL subscriptions over graphql-transport-ws on the API's GraphQL URL
 * (http→ws, https→wss). Browsers cannot put headers on a WebSocket, so the token travels in
 * `connection_init` as `{ authorization: 'Bearer …' }`; it is asked for on every (re)connect.
 */
export interface LiveOptions {
  readonly apiUrl: string;
  readonly tokenProvider?: TokenProvider | undefined;
}

export interface LiveSink<TData> {
  next(data: TData): void;
  error(error: SignalboxError): void;
  complete?(): void;
}

/** The WebSocket URL of a GraphQL endpoint. */
export function liveUrl(apiUrl: string): string {
  const url = new URL(apiUrl, globalThis.location?.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/** What a subscription failure stands for, as a SignalboxError. */
export function liveError(error: unknown): SignalboxError {
  if (error instanceof SignalboxError) {
    return error;
  }
  if (Array.isArray(error)) {
    return errorFromGraphQL(error as GraphQLErrorEntry[]);
  }
  const close = error as { code?: unknown; reason?: unknown } | null;
  if (close && typeof close.code === 'number') {
    const reason = typeof close.reason === 'string' && close.reason ? close.reason : undefined;
    switch (close.code) {
      case 4401:
        return new SignalboxError('UNAUTHENTICATED', reason ?? 'Live updates need a valid token.');
      case 4403:
        return new SignalboxError('FORBIDDEN', reason ?? 'Live updates were refused.');
      default:
        return new SignalboxError(
          'NETWORK_ERROR',
          reason ?? `Live updates stopped (WebSocket closed with ${close.code}).`,
        );
    }
  }
  return new SignalboxError('NETWORK_ERROR', 'Live updates could not connect.', { cause: error });
}

/** One WebSocket to the API, opened on the first subscription and closed with the last. */
export class LiveClient {
  readonly apiUrl: string;
  readonly #client: Client;

  constructor(options: LiveOptions) {
    this.apiUrl = options.apiUrl;
    const tokenProvider = options.tokenProvider;
    this.#client = createClient({
      url: liveUrl(options.apiUrl),
      lazy: true,
      lazyCloseTimeout: 0,
      retryAttempts: 3,
      // Refused (4401/4403) is final; anything else is worth another try.
      shouldRetry: (event) => {
        const code = (event as { code?: unknown } | null)?.code;
        return code !== 4401 && code !== 4403;
      },
      connectionParams: async () => {
        const token = await tokenProvider?.();
        return token ? { authorization: `Bearer ${token}` } : {};
      },
    });
  }

  /** Subscribes; returns the function that ends the subscription. */
  subscribe<TData>(query: string, variables: Variables, sink: LiveSink<TData>): () => void {
    let done = false;
    const stop = this.#client.subscribe<TData>(
      { query, variables: { ...variables } },
      {
        next: (result) => {
          if (done) return;
          if (result.errors?.length) {
            sink.error(errorFromGraphQL(result.errors as unknown as GraphQLErrorEntry[]));
          } else if (result.data) {
            sink.next(result.data);
          }
        },
        error: (error) => {
          if (!done) sink.error(liveError(error));
        },
        complete: () => {
          if (!done) sink.complete?.();
        },
      },
    );
    return () => {
      done = true;
      stop();
    };
  }

  /** Closes the socket and every subscription on it. */
  dispose(): void {
    void this.#client.dispose();
  }
}
