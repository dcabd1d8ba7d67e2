// Bundles src/index.ts into dist/signalbox.js (+ .map) and writes dist/manifest.json,
// whose sha256 the API uses as the bundle's ETag.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const bundleName = 'signalbox.js';
// Every component together, as a portal downloads them: gzipped bytes of dist/signalbox.js.
const GZIP_BUDGET_BYTES = Number(process.env.SB_BUNDLE_BUDGET_BYTES ?? 60_000);

const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

await build({
  absWorkingDir: root,
  entryPoints: ['src/index.ts'],
  outfile: join(dist, bundleName),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'eof',
  charset: 'utf8',
  tsconfig: join(root, 'tsconfig.json'),
  logLevel: 'warning',
});

const bundle = await readFile(join(dist, bundleName));
const manifest = {
  file: bundleName,
  sha256: createHash('sha256').update(bundle).digest('hex'),
  version: pkg.version,
};
await writeFile(join(dist, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

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
