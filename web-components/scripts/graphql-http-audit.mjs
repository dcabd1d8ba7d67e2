// Runs the `graphql-http` package's server audit (the GraphQL over HTTP spec's MUST, SHOULD
// and MAY rules) against a live Signalbox and prints one JSON line per audit:
//   node scripts/graphql-http-audit.mjs http://127.0.0.1:8000/graphql
// The bearer token comes from SB_AUDIT_TOKEN (every request must authenticate). Exits 1 when
// a MUST fails; tests/api/test_graphql_http_audit.py runs it against a loopback server.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node scripts/graphql-http-audit.mjs <url of /graphql>');
  process.exit(2);
}
const token = process.env.SB_AUDIT_TOKEN ?? '';
const TIMEOUT_MS = 30_000;

/** fetch with the bearer token and a bounded wait. */
function fetchFn(input, init = {}) {
  const headers = new Headers(init.headers ?? {});
  if (token) headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
}

const results = await auditServer({ url, fetchFn });
let mustFailures = 0;
for (const result of results) {
  const line = { id: result.id, name: result.name, status: result.status };
  if (result.status !== 'ok') {
    line.reason = result.reason;
    // What the server answered, so a failure can be told from a refusal by policy.
    line.body = result.response ? (await result.response.clone().text()).slice(0, 500) : '';
    if (result.name.startsWith('MUST')) mustFailures += 1;
  }
  console.log(JSON.stringify(line));
}
process.exit(mustFailures ? 1 : 0);
