// Runs the browser tests (src/components/<name>/*.browser.ts beside each component,
// demo/*.browser.ts and graphiql/*.browser.ts) in real Chromium against a real Signalbox server.
//
// 1. builds the bundle and snapshots dist/ (so a concurrent rebuild cannot change it mid-run);
// 2. serves test/pages/*.html and the bundle from a SECOND origin (a tiny node:http server);
// 3. migrates a temporary SQLite database, loads the demo and serves the API on a free port,
//    with that second origin as its only CORS origin, and waits for /readyz;
// 4. launches /usr/bin/chromium once (playwright-core browser server); tests connect to it;
// 5. bundles each *.browser.ts for Node and runs them with `node --test`, one file at a time;
// 6. stops everything, always, with bounded waits.
//
// `npm run test:browser -- src/components/sb-about/sb-about.browser.ts` runs only the named files.
// Without /usr/bin/chromium the run is skipped (exit 0) unless CI=true, where it fails.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { findTests } from './find-tests.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const repo = resolve(root, '..');
const CHROMIUM = process.env.SB_CHROMIUM ?? '/usr/bin/chromium';
const SIGNALBOX = process.env.SB_SIGNALBOX_BIN ?? join(repo, '.venv', 'bin', 'signalbox');
const CLI_TIMEOUT_MS = 180_000;
const READY_TIMEOUT_MS = 60_000;
const TESTS_TIMEOUT_MS = Number(process.env.SB_BROWSER_TESTS_TIMEOUT_MS ?? 15 * 60_000);
const STOP_TIMEOUT_MS = 10_000;
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const log = (message) => console.log(`[browser-test] ${message}`);
const cleanups = [];

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000}s`)), ms);
    }),
  ]);
}

/** Runs a command to completion (bounded); resolves with its stdout, rejects on failure. */
function run(command, args, { env, cwd = root, timeoutMs = CLI_TIMEOUT_MS, inherit = false } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd,
      env,
      stdio: inherit ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk) => (out += chunk));
    child.stderr?.on('data', (chunk) => (err += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        resolvePromise(out);
      } else {
        reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? code}):\n${err}${out}`));
      }
    });
  });
}

async function freePort() {
  const server = createNetServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** The second origin: /pages/* from test/pages, /signalbox.js(.map) from the bundle snapshot. */
async function startPageServer(pagesDir, bundleDir) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file;
    if (path.startsWith('/pages/')) {
      file = resolve(pagesDir, `.${path.slice('/pages'.length)}`);
      if (!file.startsWith(pagesDir + sep)) file = undefined;
    } else if (path === '/signalbox.js' || path === '/signalbox.js.map') {
      file = join(bundleDir, path.slice(1));
    }
    try {
      if (!file) throw new Error('not found');
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Cache-Control': 'no-store',
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(() => r()));
  });
  return `http://127.0.0.1:${server.address().port}`;
}

async function startApi(env) {
  const port = await freePort();
  // Its own process group, so stopping it also stops uvicorn's children.
  const child = spawn(SIGNALBOX, ['serve', '--port', String(port)], {
    cwd: repo,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk).slice(-20_000);
    if (process.env.SB_SERVER_LOG) process.stderr.write(chunk);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((r) => child.on('exit', r));
  cleanups.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {}
    const stopped = await Promise.race([
      exited.then(() => true),
      new Promise((r) => setTimeout(() => r(false), STOP_TIMEOUT_MS)),
    ]);
    if (!stopped) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }
  });
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`signalbox serve exited (${child.exitCode}):\n${output}`);
    }
    try {
      const response = await fetch(`${origin}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return origin;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`signalbox serve not ready within ${READY_TIMEOUT_MS / 1000}s:\n${output}`);
}

async function main() {
  const selected = process.argv.slice(2).map((p) => resolve(process.cwd(), p));
  const entryPoints = (
    selected.length
      ? selected
      : await findTests([join(root, 'src'), join(root, 'demo'), join(root, 'graphiql')], '.browser.ts')
  ).map((p) => relative(root, p));
  if (entryPoints.length === 0) {
    console.error('No src/**/*.browser.ts or demo/*.browser.ts found.');
    return 1;
  }
  if (!existsSync(CHROMIUM)) {
    const message = `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium).`;
    if (process.env.CI === 'true') {
      console.error(`[browser-test] FAIL: ${message}`);
      return 1;
    }
    log(`SKIPPED: ${message}`);
    return 0;
  }
  if (!existsSync(SIGNALBOX)) {
    console.error(`[browser-test] ${SIGNALBOX} is missing: run \`make install-dev\` first.`);
    return 1;
  }

  const work = await mkdtemp(join(tmpdir(), 'signalbox-browser-'));
  cleanups.push(() => rm(work, { recursive: true, force: true }));
  const bundleDir = join(work, 'bundle');
  const dataDir = join(work, 'data');
  await mkdir(dataDir);

  log('building the bundle');
  await run(process.execPath, [join(root, 'scripts', 'build.mjs')], { inherit: true });
  await cp(join(root, 'dist'), bundleDir, { recursive: true });
  // The API serves /components/demo from demo/index.html beside the components directory.
  await mkdir(join(work, 'demo'));
  await cp(join(root, 'demo', 'index.html'), join(work, 'demo', 'index.html'));

  const pageOrigin = await startPageServer(join(root, 'test', 'pages'), bundleDir);
  const env = {
    ...process.env,
    SIGNALBOX_DATA_DIR: dataDir,
    SIGNALBOX_ENV: 'development',
    SIGNALBOX_CORS_ORIGINS: pageOrigin,
    SIGNALBOX_COMPONENTS_DIR: bundleDir,
    SIGNALBOX_OUTBOX_DELIVERY_ENABLED: 'false',
    // As in production: the pages may run only the trusted documents, so a component that
    // sends one the build did not register fails here (the tests' own setup calls are
    // scripts, with no Origin, and keep ad-hoc queries; GraphiQL is same-origin).
    SIGNALBOX_TRUSTED_DOCUMENTS_ONLY: 'true',
  };
  delete env.SIGNALBOX_DATABASE_URL;
  log('migrating and loading the demo');
  await run(SIGNALBOX, ['migrate'], { env, cwd: repo });
  await run(SIGNALBOX, ['demo'], { env, cwd: repo });
  const apiOrigin = await startApi(env);
  log(`API ${apiOrigin}, pages ${pageOrigin}`);

  const { chromium } = await import('playwright-core');
  const browserServer = await withTimeout(
    chromium.launchServer({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 30_000,
    }),
    40_000,
    'launching chromium',
  );
  cleanups.push(() => withTimeout(browserServer.close(), STOP_TIMEOUT_MS, 'closing chromium'));

  // Inside node_modules so the bundled tests resolve playwright-core & co at run time.
  const outdir = await mkdtemp(join(root, 'node_modules', '.signalbox-browser-tests-'));
  cleanups.push(() => rm(outdir, { recursive: true, force: true }));
  await build({
    absWorkingDir: root,
    entryPoints,
    outdir,
    outbase: '.',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    tsconfig: join(root, 'tsconfig.test.json'),
    logLevel: 'warning',
  });
  const files = entryPoints.map((p) => join(outdir, p).replace(/\.ts$/, '.mjs'));

  const testEnv = {
    ...process.env,
    SB_API_ORIGIN: apiOrigin,
    SB_PAGE_ORIGIN: pageOrigin,
    SB_BROWSER_WS: browserServer.wsEndpoint(),
    SB_SIGNALBOX_BIN: SIGNALBOX,
    SB_SIGNALBOX_ENV: JSON.stringify({
      SIGNALBOX_DATA_DIR: dataDir,
      SIGNALBOX_ENV: 'development',
      SIGNALBOX_COMPONENTS_DIR: bundleDir,
    }),
    // A test run never changes the working tree: screenshots go to a temporary folder unless
    // SB_SCREENSHOTS_DIR names one (`npm run screenshots` refreshes docs/screenshots).
    SB_SCREENSHOTS_DIR: process.env.SB_SCREENSHOTS_DIR
      ? resolve(process.env.SB_SCREENSHOTS_DIR)
      : join(tmpdir(), 'signalbox-screenshots'),
  };
  return await new Promise((resolvePromise) => {
    const child = spawn(
      process.execPath,
      ['--enable-source-maps', '--test', '--test-concurrency=1', ...files],
      { cwd: root, env: testEnv, stdio: 'inherit' },
    );
    const timer = setTimeout(() => {
      console.error(`Browser tests still running after ${TESTS_TIMEOUT_MS / 1000}s: stopping them.`);
      child.kill('SIGKILL');
    }, TESTS_TIMEOUT_MS);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolvePromise(status ?? 1);
    });
  });
}

async function cleanup() {
  while (cleanups.length) {
    const step = cleanups.pop();
    try {
      await withTimeout(Promise.resolve().then(step), STOP_TIMEOUT_MS + 5_000, 'cleanup');
    } catch (error) {
      console.error(`[browser-test] cleanup: ${error.message}`);
    }
  }
}

let code = 1;
const interrupted = (signal) => {
  console.error(`[browser-test] ${signal}: stopping`);
  void cleanup().finally(() => process.exit(130));
};
process.once('SIGINT', interrupted);
process.once('SIGTERM', interrupted);
try {
  code = await main();
} catch (error) {
  console.error(`[browser-test] ${error.stack ?? error}`);
  code = 1;
} finally {
  await cleanup();
}
process.exit(code);
