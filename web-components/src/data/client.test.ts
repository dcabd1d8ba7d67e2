import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import { createHash } from 'node:crypto';
import { SignalboxClient, buildRequest, documentIdOf } from './client.js';
import { SignalboxError, type SignalboxErrorCode } from './errors.js';

interface Received {
  readonly method: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

interface Reply {
  readonly status?: number;
  readonly contentType?: string;
  readonly body: string;
}

/** A real HTTP server on loopback: the client under test uses the real fetch. */
class FakeApi {
  readonly received: Received[] = [];
  /** What the next requests get; `'hang'` never answers, for abort tests. */
  reply: Reply | 'hang' = { body: '{"data":{}}' };
  #server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      this.received.push({ method: req.method, headers: req.headers, body: JSON.parse(text) });
      const reply = this.reply;
      if (reply === 'hang') {
        return;
      }
      res.writeHead(reply.status ?? 200, {
        'Content-Type': reply.contentType ?? 'application/json',
      });
      res.end(reply.body);
    });
  });

  get url(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/graphql`;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  answer(payload: unknown, status = 200): void {
    this.reply = { status, body: JSON.stringify(payload) };
  }

  reset(): void {
    this.received.length = 0;
    this.reply = { body: '{"data":{}}' };
  }
}

const api = new FakeApi();
before(() => api.start());
after(() => api.stop());
afterEach(() => api.reset());

async function failure(promise: Promise<unknown>): Promise<SignalboxError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SignalboxError, `expected a SignalboxError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the request to fail');
}

const ABOUT = '{ about { name version } }';
const opts = { timeout: 5_000 };

describe('A request is a JSON POST carrying the token and no cookies', opts, () => {
  // A trusted document goes by its id (api/graphql/trusted_documents.py): the sha256 of its text.
  test('it posts the document id and variables as JSON', async () => {
    const query = 'query Q($id: ID!) { node(id: $id) { id } }';
    const client = new SignalboxClient({ apiUrl: api.url });
    await client.request(query, { id: 'UmVsZWFzZTox' });

    const [received] = api.received;
    assert.equal(received?.method, 'POST');
    assert.equal(received?.headers['content-type'], 'application/json');
    assert.deepEqual(received?.body, {
      documentId: `sha256:${createHash('sha256').update(query, 'utf8').digest('hex')}`,
      variables: { id: 'UmVsZWFzZTox' },
    });
  });

  test('the document id is the sha256 of the UTF-8 text, as the build registers it', async () => {
    const query = '{ about { name } } # “quoted”';
    const expected = `sha256:${createHash('sha256').update(query, 'utf8').digest('hex')}`;
    assert.equal(await documentIdOf(query), expected);
  });

  test('an API that does not know the id gets the text once more', async () => {
    api.answer(
      { errors: [{ message: 'unknown', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] },
      400,
    );
    const client = new SignalboxClient({ apiUrl: api.url });
    await failure(client.request(ABOUT, { a: 1 }));

    assert.equal(api.received.length, 2);
    assert.ok((api.received[0]?.body as { documentId?: string }).documentId?.startsWith('sha256:'));
    assert.deepEqual(api.received[1]?.body, { query: ABOUT, variables: { a: 1 } });
  });

  test('a refusal of the id that is not "unknown" is not retried', async () => {
    api.answer({ errors: [{ message: 'no', extensions: { code: 'FORBIDDEN' } }] }, 403);
    const client = new SignalboxClient({ apiUrl: api.url });
    const error = await failure(client.request(ABOUT));

    assert.equal(error.code, 'FORBIDDEN');
    assert.equal(api.received.length, 1);
  });

  test('it sends the provided token as a bearer token', async () => {
    const client = new SignalboxClient({ apiUrl: api.url, tokenProvider: () => 's3cret' });
    await client.request(ABOUT);

    assert.equal(api.received[0]?.headers.authorization, 'Bearer s3cret');
  });

  test('it waits for a token provider that answers asynchronously', async () => {
    const client = new SignalboxClient({
      apiUrl: api.url,
      tokenProvider: async () => 'later',
    });
    await client.request(ABOUT);

    assert.equal(api.received[0]?.headers.authorization, 'Bearer later');
  });

  test('it asks the provider on every request, so a refreshed token is used', async () => {
    let n = 0;
    const client = new SignalboxClient({ apiUrl: api.url, tokenProvider: () => `t${++n}` });
    await client.request(ABOUT);
    await client.request(ABOUT);

    assert.deepEqual(
      api.received.map((r) => r.headers.authorization),
      ['Bearer t1', 'Bearer t2'],
    );
  });

  test('it sends no Authorization header when there is no token', async () => {
    const client = new SignalboxClient({ apiUrl: api.url, tokenProvider: () => null });
    await client.request(ABOUT);

    assert.equal(api.received[0]?.headers.authorization, undefined);
    assert.equal(api.received[0]?.headers.cookie, undefined);
  });

  test('it omits credentials and leaves out absent variables', () => {
    const { url, init } = buildRequest('https://api.test/graphql', ABOUT, undefined, 'tok');

    assert.equal(url, 'https://api.test/graphql');
    assert.equal(init.credentials, 'omit');
    assert.equal(init.body, JSON.stringify({ query: ABOUT }));
  });

  test('with a document id the body carries the id instead of the text', () => {
    const { init } = buildRequest(api.url, ABOUT, { a: 1 }, null, undefined, 'sha256:ab');

    assert.equal(init.body, JSON.stringify({ documentId: 'sha256:ab', variables: { a: 1 } }));
  });
});

describe('An answer with data resolves to the data', opts, () => {
  test('it returns the data object', async () => {
    api.answer({ data: { about: { name: 'Signalbox', version: '0.1.0' } } });
    const client = new SignalboxClient({ apiUrl: api.url });

    const data = await client.request<{ about: { name: string } }>(ABOUT);

    assert.deepEqual(data, { about: { name: 'Signalbox', version: '0.1.0' } });
  });
});

describe('A top-level GraphQL error becomes a SignalboxError with its code', opts, () => {
  // Written out rather than read from errors.ts, so dropping a code fails here.
  const codes: SignalboxErrorCode[] = [
    'UNAUTHENTICATED',
    'FORBIDDEN',
    'NOT_FOUND',
    'BAD_USER_INPUT',
    'GRAPHQL_VALIDATION_FAILED',
    'UNAVAILABLE',
    'DEADLINE_EXCEEDED',
    'INTERNAL_SERVER_ERROR',
  ];
  for (const code of codes) {
    test(`extensions.code ${code} maps to ${code}`, async () => {
      api.answer({ data: null, errors: [{ message: `says ${code}`, extensions: { code } }] });
      const client = new SignalboxClient({ apiUrl: api.url });

      const error = await failure(client.request(ABOUT));

      assert.equal(error.code, code);
      assert.equal(error.message, `says ${code}`);
      assert.equal(error.status, 200);
    });
  }

  test('the first error decides, and all are kept for logging', async () => {
    api.answer({
      errors: [
        { message: 'no', extensions: { code: 'FORBIDDEN' } },
        { message: 'also', extensions: { code: 'NOT_FOUND' } },
      ],
    });
    const error = await failure(new SignalboxClient({ apiUrl: api.url }).request(ABOUT));

    assert.equal(error.code, 'FORBIDDEN');
    assert.equal(error.errors.length, 2);
  });

  test('errors beside partial data still fail the request', async () => {
    api.answer({
      data: { about: null },
      errors: [{ message: 'gone', extensions: { code: 'NOT_FOUND' } }],
    });

    const error = await failure(new SignalboxClient({ apiUrl: api.url }).request(ABOUT));

    assert.equal(error.code, 'NOT_FOUND');
  });

  test('an unknown or missing code maps to UNKNOWN', async () => {
    const client = new SignalboxClient({ apiUrl: api.url });
    api.answer({ errors: [{ message: 'odd', extensions: { code: 'TEAPOT' } }] });
    assert.equal((await failure(client.request(ABOUT))).code, 'UNKNOWN');

    api.answer({ errors: [{ message: 'Unexpected error.' }] });
    assert.equal((await failure(client.request(ABOUT))).code, 'UNKNOWN');
  });

  test('a 4xx graphql-response+json answer keeps the error code and the status', async () => {
    api.answer({ errors: [{ message: 'bad', extensions: { code: 'BAD_USER_INPUT' } }] }, 400);

    const error = await failure(new SignalboxClient({ apiUrl: api.url }).request(ABOUT));

    assert.equal(error.code, 'BAD_USER_INPUT');
    assert.equal(error.status, 400);
  });
});

describe('An answer without a GraphQL body maps by HTTP status', opts, () => {
  const cases: [number, SignalboxErrorCode][] = [
    [401, 'UNAUTHENTICATED'],
    [403, 'FORBIDDEN'],
    [404, 'NOT_FOUND'],
    [429, 'UNAVAILABLE'],
    [502, 'UNAVAILABLE'],
    [503, 'UNAVAILABLE'],
    [500, 'INTERNAL_SERVER_ERROR'],
    [418, 'BAD_RESPONSE'],
  ];
  for (const [status, code] of cases) {
    test(`HTTP ${status} maps to ${code}`, async () => {
      api.reply = { status, contentType: 'text/plain', body: 'nope' };

      const error = await failure(new SignalboxClient({ apiUrl: api.url }).request(ABOUT));

      assert.equal(error.code, code);
      assert.equal(error.status, status);
    });
  }

  test('a 200 answer that is not JSON is a BAD_RESPONSE', async () => {
    api.reply = { contentType: 'text/html', body: '<html>login</html>' };

    const error = await failure(new SignalboxClient({ apiUrl: api.url }).request(ABOUT));

    assert.equal(error.code, 'BAD_RESPONSE');
  });

  test('a 200 JSON answer without data is a BAD_RESPONSE', async () => {
    api.answer({ hello: 'world' });

    const error = await failure(new SignalboxClient({ apiUrl: api.url }).request(ABOUT));

    assert.equal(error.code, 'BAD_RESPONSE');
  });
});

describe('Failures before any answer have client codes', opts, () => {
  test('an unreachable API is a NETWORK_ERROR', async () => {
    const closed = new FakeApi();
    await closed.start();
    const url = closed.url;
    await closed.stop();

    const error = await failure(new SignalboxClient({ apiUrl: url }).request(ABOUT));

    assert.equal(error.code, 'NETWORK_ERROR');
  });

  test('an aborted request is ABORTED', async () => {
    api.reply = 'hang';
    const abort = new AbortController();
    const pending = new SignalboxClient({ apiUrl: api.url }).request(ABOUT, undefined, {
      signal: abort.signal,
    });
    while (api.received.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    abort.abort();

    assert.equal((await failure(pending)).code, 'ABORTED');
  });

  test('a token provider that throws is UNAUTHENTICATED and sends nothing', async () => {
    const client = new SignalboxClient({
      apiUrl: api.url,
      tokenProvider: () => {
        throw new Error('session expired');
      },
    });

    const error = await failure(client.request(ABOUT));

    assert.equal(error.code, 'UNAUTHENTICATED');
    assert.equal(api.received.length, 0);
  });
});
