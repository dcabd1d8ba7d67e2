// Bundles each src/**/*.test.ts (the unit tests beside the code they test) for Node
// into a temporary folder and runs them with node's test runner, so tests are
// TypeScript without a loader and leave nothing in the tree.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { findTests } from './find-tests.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const TIMEOUT_MS = 60_000;

const entryPoints = (await findTests([join(root, 'src')], '.test.ts')).map((p) => relative(root, p));
if (entryPoints.length === 0) {
  console.error('No src/**/*.test.ts found.');
  process.exit(1);
}

const outdir = await mkdtemp(join(tmpdir(), 'signalbox-wc-test-'));
let code = 1;
try {
  await build({
    absWorkingDir: root,
    entryPoints,
    outdir,
    outbase: 'src',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    tsconfig: join(root, 'tsconfig.test.json'),
    logLevel: 'warning',
  });
  const files = entryPoints.map((p) =>
    join(outdir, relative('src', p)).replace(/\.ts$/, '.mjs'),
  );
  code = await new Promise((resolve) => {
    const child = spawn(process.execPath, ['--enable-source-maps', '--test', ...files], {
      cwd: root,
      stdio: 'inherit',
    });
    const timer = setTimeout(() => {
      console.error(`Tests still running after ${TIMEOUT_MS / 1000}s: stopping them.`);
      child.kill('SIGKILL');
    }, TIMEOUT_MS);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolve(status ?? 1);
    });
  });
} finally {
  await rm(outdir, { recursive: true, force: true });
}
process.exit(code);
