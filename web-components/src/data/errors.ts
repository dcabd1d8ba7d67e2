/**
 * Codes the API puts in a top-level GraphQL error's `extensions.code` (kept in
 * step with `TopLevelCode` in api/graphql/errors.py), plus the client's own
 * codes for failures that never produced a GraphQL answer.
 */
export const SERVER_ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'GRAPHQL_VALIDATION_FAILED',
  'UNAVAILABLE',
  'DEADLINE_EXCEEDED',
  'INTERNAL_SERVER_ERROR',
  // Trusted documents (api/graphql/trusted_documents.py): an id the API does not know, and an
  // ad-hoc document from a page where only registered ones may run.
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_REQUIRED',
] as const;

export const CLIENT_ERROR_CODES = [
  /** No api-url was given, so there is nothing to ask. */
  'NOT_CONFIGURED',
  /** The request never got an HTTP answer (offline, DNS, CORS refusal). */
  'NETWORK_ERROR',
  /** The answer was not a GraphQL response. */
  'BAD_RESPONSE',
  /** The caller aborted the request. */
  'ABORTED',
  /** A GraphQL error whose code this client does not know. */
  'UNKNOWN',
] as const;

export type ServerErrorCode = (typeof SERVER_ERROR_CODES)[number];
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];
export type SignalboxErrorCode = ServerErrorCode | ClientErrorCode;

/** One entry of a GraphQL response's `errors` list, as the spec shapes it. */
export interface GraphQLErrorEntry {
  readonly message: string;
  readonly path?: ReadonlyArray<string | number>;
  readonly extensions?: Readonly<Record<string, unknown>>;
}

export interface SignalboxErrorOptions {
  readonly status?: number;
  readonly errors?: readonly GraphQLErrorEntry[];
  readonly cause?: unknown;
}

/** The one error type a component sees from the data layer: branch on `code`, never on `message`. */
export class SignalboxError extends Error {
  override readonly name = 'SignalboxError';
  readonly code: SignalboxErrorCode;
  /** HTTP status of the answer, when there was one. */
  readonly status: number | undefined;
  /** The GraphQL errors as received, for logging. */
  readonly errors: readonly GraphQLErrorEntry[];

  constructor(code: SignalboxErrorCode, message: string, options: SignalboxErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.errors = options.errors ?? [];
  }
}

/** Any thrown value as the one error type components branch on. */
export function asSignalboxError(error: unknown): SignalboxError {
  return error instanceof SignalboxError
    ? error
    : new SignalboxError('UNKNOWN', 'Something went wrong.', { cause: error });
}

const serverCodes: ReadonlySet<string> = new Set(SERVER_ERROR_CODES);

function isServerErrorCode(value: unknown): value is ServerErrorCode {
  return typeof value === 'string' && serverCodes.has(value);
}

/** The error a GraphQL `errors` list stands for: the first entry decides the code. */
export function errorFromGraphQL(
  errors: readonly GraphQLErrorEntry[],
  status?: number,
): SignalboxError {
  const first = errors[0];
  const code = first?.extensions?.['code'];
  const message = first?.message ?? 'The API returned an error.';
  const options = status === undefined ? { errors } : { errors, status };
  return new SignalboxError(isServerErrorCode(code) ? code : 'UNKNOWN', message, options);
}

/** The error an HTTP answer without a usable GraphQL body stands for. */
export function errorFromStatus(status: number): SignalboxError {
  return new SignalboxError(codeForStatus(status), `The API answered HTTP ${status}.`, { status });
}

function codeForStatus(status: number): SignalboxErrorCode {
  switch (status) {
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 429:
    case 502:
    case 503:
    case 504:
      return 'UNAVAILABLE';
    default:
      return status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_RESPONSE';
  }
}
