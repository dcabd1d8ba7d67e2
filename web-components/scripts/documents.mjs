// The trusted documents: every GraphQL operation the components send, registered at build time.
//
// A component's documents are the exported string constants of its `queries.ts` that hold an
// operation (a string holding only fragments is a part, not a document). Each is keyed by its
// document id, `sha256:` + the lowercase hex SHA-256 of the document's UTF-8 text exactly as the
// component sends it (the GraphQL-over-HTTP "persisted documents" identifier; the hex alone is
// Apollo's `extensions.persistedQuery.sha256Hash`). The manifest is a JSON object from id to
// document, sorted by id (graphql-codegen's persisted-documents.json shape).
//
// `node scripts/documents.mjs` writes it to api/graphql/trusted-documents.json (the copy the
// server trusts, shipped with the Python package and reviewed in diffs) and the build also puts
// it in dist/ (served at /components/trusted-documents.json). `--out <file>` writes elsewhere
// (the freshness test compares a fresh manifest with the committed one); `--check` exits 1
// when the committed manifest is stale.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { Kind, parse } from 'graphql';

const root = fileURLToPath(new URL('..', import.meta.url));
export const COMMITTED = resolve(root, '..', 'api', 'graphql', 'trusted-documents.json');

/** The document id of a document's text. */
export function documentId(document) {
  return `sha256:${createHash('sha256').update(document, 'utf8').digest('hex')}`;
}

function isOperation(text) {
  let parsed;
  try {
    parsed = parse(text);
  } catch {
    return false; // not GraphQL: some other exported string
  }
  return parsed.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION);
}

/** Every component's documents, as the manifest object (id to document, sorted by id). */
export async function collectDocuments() {
  const components = join(root, 'src', 'components');
  const entries = [];
  for (const entry of await readdir(components, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const file = join(components, entry.name, 'queries.ts');
    if (await readFile(file).then(() => true, () => false)) entries.push(file);
  }
  const out = await mkdtemp(join(tmpdir(), 'sb-documents-'));
  try {
    const result = await build({
      absWorkingDir: root,
      entryPoints: entries,
      bundle: true,
      format: 'esm',
      platform: 'node',
      outdir: out,
      outbase: components,
      outExtension: { '.js': '.mjs' },
      logLevel: 'warning',
      metafile: true,
    });
    const documents = new Map();
    for (const output of Object.keys(result.metafile.outputs)) {
      const module = await import(pathToFileURL(resolve(root, output)).href);
      for (const value of Object.values(module)) {
        if (typeof value === 'string' && isOperation(value)) {
          documents.set(documentId(value), value);
        }
      }
    }
    return Object.fromEntries([...documents.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

export function manifestText(documents) {
  return `${JSON.stringify(documents, null, 2)}\n`;
}

async function main(args) {
  const text = manifestText(await collectDocuments());
  if (args.includes('--check')) {
    const committed = await readFile(COMMITTED, 'utf8').catch(() => '');
    if (committed !== text) {
      console.error(
        `${COMMITTED} is stale: run \`npm run documents\` in web-components and commit it.`,
      );
      process.exit(1);
    }
    return;
  }
  const at = args.indexOf('--out');
  const target = at >= 0 ? resolve(args[at + 1]) : COMMITTED;
  await writeFile(target, text);
  console.log(`${target}: ${Object.keys(JSON.parse(text)).length} trusted documents`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main(process.argv.slice(2));
}
