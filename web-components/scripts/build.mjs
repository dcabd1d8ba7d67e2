// Bundles src/index.ts into dist/signalbox.js (+ .map) and writes dist/manifest.json,
// whose sha256 the API uses as the bundle's ETag; and the GraphiQL IDE (graphiql/index.js,
// React and the `graphiql` package) into dist/graphiql/graphiql.{js,css}, which GET /graphql
// serves in development so the IDE needs no CDN; and the trusted documents (every GraphQL
// operation the components send, scripts/documents.mjs) into dist/trusted-documents.json and
// api/graphql/trusted-documents.json, the copy the server trusts (commit it when it changes).
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { COMMITTED, collectDocuments, manifestText } from './documents.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const bundleName = 'signalbox.js';
// Every component together, as a portal downloads them: gzipped bytes of dist/signalbox.js.
const GZIP_BUDGET_BYTES = Number(process.env.SB_BUNDLE_BUDGET_BYTES ?? 60_000);

const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

const browserModule = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: 'linked',
  charset: 'utf8',
  logLevel: 'warning',
};

await build({
  ...browserModule,
  entryPoints: ['src/index.ts'],
  outfile: join(dist, bundleName),
  legalComments: 'eof',
  tsconfig: join(root, 'tsconfig.json'),
});

await build({
  ...browserModule,
  entryPoints: { graphiql: 'graphiql/index.js' },
  outdir: join(dist, 'graphiql'),
  legalComments: 'linked',
  define: { 'process.env.NODE_ENV': '"production"' },
});

const bundle = await readFile(join(dist, bundleName));
const manifest = {
  file: bundleName,
  sha256: createHash('sha256').update(bundle).digest('hex'),
  version: pkg.version,
  // The custom elements the bundle defines (one folder each), for the /components/ index.
  elements: (await readdir(join(root, 'src', 'components'), { withFileTypes: true }))
    .filter((entry) => entry.isDirectory() && entry.name.startsWith('sb-'))
    .map((entry) => entry.name)
    .sort(),
};
await writeFile(join(dist, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

const trusted = manifestText(await collectDocuments());
await writeFile(join(dist, 'trusted-documents.json'), trusted);
if ((await readFile(COMMITTED, 'utf8').catch(() => '')) !== trusted) {
  await writeFile(COMMITTED, trusted);
  console.log(`${COMMITTED} changed: commit it with the components.`);
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const gzipped = gzipSync(bundle, { level: 9 }).length;
console.log(
  `dist/${bundleName}: ${kib(bundle.length)} (${kib(gzipped)} gzipped, budget ${GZIP_BUDGET_BYTES} bytes), ` +
    `sha256 ${manifest.sha256.slice(0, 12)}…, version ${manifest.version}`,
);
if (gzipped > GZIP_BUDGET_BYTES) {
  console.error(
    `dist/${bundleName} is ${kib(gzipped)} gzipped, over the ${GZIP_BUDGET_BYTES}-byte budget ` +
      'for all components together: trim a dependency or split a component out.',
  );
  process.exit(1);
}
