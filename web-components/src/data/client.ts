import {
  SignalboxError,
  errorFromGraphQL,
  errorFromStatus,
  type GraphQLErrorEntry,
} from './errors.js';

/**
 * Supplied by the host portal: the current access token, or nothing for an
 * anonymous call. Called once per request so a refreshed token is picked up.
 */
export type TokenProvider = () =>
  | string
  | null
  | undefined
  | PromiseLike<string | null | undefined>;

export type Variables = Readonly<Record<string, unknown>>;

export interface ClientOptions {
  /** The API's GraphQL endpoint, e.g. `https://signalbox.example.com/graphql`. */
  readonly apiUrl: string;
  readonly tokenProvider?: TokenProvider | undefined;
}

export interface RequestOptions {
  readonly signal?: AbortSignal | undefined;
}

export interface PreparedRequest {
  readonly url: string;
  readonly init: RequestInit;
}

/**
 * A document's id as the API's trusted documents know it: `sha256:` + the hex SHA-256 of its
 * UTF-8 text (scripts/documents.mjs registers every component document under it at build
 * time). Undefined where the page has no Web Crypto (an insecure origin): then the text goes.
 */
export function documentIdOf(query: string): Promise<string | undefined> {
  let id = documentIds.get(query);
  if (id === undefined) {
    const subtle = globalThis.crypto?.subtle;
    id = subtle
      ? subtle
          .digest('SHA-256', new TextEncoder().encode(query))
          .then((digest) => `sha256:${hex(digest)}`, () => undefined)
      : Promise.resolve(undefined);
    documentIds.set(query, id);
  }
  return id;
}

const documentIds = new Map<string, Promise<string | undefined>>();

function hex(digest: ArrayBuffer): string {
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * The fetch arguments for one GraphQL operation: by `documentId` when one is given (a trusted
 * document the API knows; in production the only kind a page may run), else the query text.
 */
export function buildRequest(
  apiUrl: string,
  query: string,
  variables: Variables | undefined,
  token: string | null | undefined,
  signal?: AbortSignal,
  documentId?: string,
): PreparedRequest {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Accept: 'application/graphql-response+json, application/json',
  };
  if (token) {
    headers['Authorization'] = `Bearer ${token}`;
  }
  const init: RequestInit = {
    method: 'POST',
    headers,
    body: JSON.stringify({
      ...(documentId === undefined ? { query } : { documentId }),
      ...(variables === undefined ? {} : { variables }),
    }),
    // The token is the only credential: an embedding page's cookies must never ride along.
    credentials: 'omit',
  };
  if (signal) {
    init.signal = signal;
  }
  return { url: apiUrl, init };
}

/**
 * The data of a GraphQL answer, or the SignalboxError it stands for. Any
 * top-level error fails the whole operation: components render all or nothing.
 */
export async function readResponse<TData>(response: Response): Promise<TData> {
  let body: unknown;
  try {
    body = await response.json();
  } catch (cause) {
    throw response.ok
      ? new SignalboxError('BAD_RESPONSE', 'The API answer was not JSON.', {
          status: response.status,
          cause,
        })
      : errorFromStatus(response.status);
  }
  if (!isObject(body)) {
    throw response.ok
      ? new SignalboxError('BAD_RESPONSE', 'The API answer was not a GraphQL response.', {
          status: response.status,
        })
      : errorFromStatus(response.status);
  }
  const errors = readErrors(body['errors']);
  if (errors.length > 0) {
    throw errorFromGraphQL(errors, response.status);
  }
  if (!response.ok) {
    throw errorFromStatus(response.status);
  }
  const data = body['data'];
  if (!isObject(data)) {
    throw new SignalboxError('BAD_RESPONSE', 'The API answer carried no data.', {
      status: response.status,
    });
  }
  return data as TData;
}

/** A GraphQL-over-HTTP client bound to one endpoint and one token provider. */
export class SignalboxClient {
  readonly apiUrl: string;
  readonly #tokenProvider: TokenProvider | undefined;

  constructor(options: ClientOptions) {
    this.apiUrl = options.apiUrl;
    this.#tokenProvider = options.tokenProvider;
  }

  async request<TData>(
    query: string,
    variables?: Variables,
    options: RequestOptions = {},
  ): Promise<TData> {
    const { signal } = options;
    const token = await this.#token();
    const documentId = await documentIdOf(query);
    throwIfAborted(signal);
    try {
      try {
        return await this.#send<TData>(query, variables, token, signal, documentId);
      } catch (error) {
        // An API that does not know this bundle's documents (another version): the text,
        // which it runs where ad-hoc documents are allowed.
        if (documentId === undefined || !isUnknownDocument(error)) throw error;
        return await this.#send<TData>(query, variables, token, signal, undefined);
      }
    } catch (error) {
      if (signal?.aborted) {
        throw abortedError(signal);
      }
      if (error instanceof SignalboxError) {
        throw error;
      }
      throw new SignalboxError('NETWORK_ERROR', 'The API could not be reached.', { cause: error });
    }
  }

  async #send<TData>(
    query: string,
    variables: Variables | undefined,
    token: string | null | undefined,
    signal: AbortSignal | undefined,
    documentId: string | undefined,
  ): Promise<TData> {
    const { url, init } = buildRequest(this.apiUrl, query, variables, token, signal, documentId);
    return readResponse<TData>(await fetch(url, init));
  }

  async #token(): Promise<string | null | undefined> {
    if (!this.#tokenProvider) {
      return undefined;
    }
    try {
      return await this.#tokenProvider();
    } catch (cause) {
      throw new SignalboxError('UNAUTHENTICATED', 'The host page could not provide a token.', {
        cause,
      });
    }
  }
}

function isUnknownDocument(error: unknown): boolean {
  return (
    error instanceof SignalboxError &&
    error.errors.some((e) => e.extensions?.['code'] === 'PERSISTED_QUERY_NOT_FOUND')
  );
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw abortedError(signal);
  }
}

function abortedError(signal: AbortSignal): SignalboxError {
  return new SignalboxError('ABORTED', 'The request was aborted.', { cause: signal.reason });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readErrors(value: unknown): GraphQLErrorEntry[] {
  if (!Array.isArray(value)) {
    return [];
  }
  return value.map((entry: unknown): GraphQLErrorEntry => {
    if (!isObject(entry)) {
      return { message: 'The API returned an error.' };
    }
    const message =
      typeof entry['message'] === 'string' ? entry['message'] : 'The API returned an error.';
    const extensions = isObject(entry['extensions']) ? entry['extensions'] : undefined;
    return extensions === undefined ? { message } : { message, extensions };
  });
}
