// harness.mjs: what every page test needs. A demo database in a temporary
// folder, `build/essaim serve` on a free port, Debian's Chromium driven by
// playwright-core (headless, fresh profile, offline), a watch on the
// console and the network, named checks, a summary, and cleanup on every
// way out (success, failure, time-out, SIGINT, SIGTERM). A test gets
// { page, base, check, expect400, expectStatus, newPage, db, cli }:
// newPage() opens a page in a second, fresh browser (own profile, no
// cookies), watched the same way; cli(args, env) runs build/essaim on the
// test's database folder (e.g. `admin create`).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ESSAIM = join(process.env.ESSAIM_BUILD || 'build', 'essaim');   // relative to ROOT

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function run(name, { size = 1500, seed = 7, timeoutMs = 50000 }, test) {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'essaim-pages-'));
  const log = [];        // the server's stderr, shown on failure
  const problems = [];   // console errors, failed or outside requests
  const passed = [];
  let server = null;
  let context = null;
  const others = [];   // the contexts newPage() opened
  let allowed = () => false;   // expected console errors (see expect400)

  const stop = () => {
    if (server && server.exitCode === null) server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', stop);
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      console.error(`FAIL  ${name}: interrupted (${sig})`);
      process.exit(1);
    });
  }
  const timer = setTimeout(() => {
    console.error(`FAIL  ${name}: timed out after ${timeoutMs / 1000} s`);
    process.exit(1);
  }, timeoutMs);

  const check = (ok, what) => {
    if (!ok) throw new Error(what);
    passed.push(what);
  };

  try {
    const db = join(dir, 'essaim.db');
    execFileSync(ESSAIM, ['demo', '--db', db, '--size', String(size), '--seed', String(seed)],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    server = spawn(ESSAIM, ['serve', '--db', db, '--port', '0', '--public', 'public'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stderr.on('data', (b) => log.push(b.toString()));
    const base = await new Promise((resolve, reject) => {
      let out = '';
      server.stdout.on('data', (b) => {
        out += b;
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) resolve(m[1]);
      });
      server.on('exit', (code) => reject(new Error(`essaim serve exited (${code}) before listening`)));
    });

    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM, headless: true, args: ARGS, locale: 'fr-FR',
      timezoneId: 'Europe/Paris', viewport: { width: 1280, height: 900 },
    });
    context.setDefaultTimeout(5000);
    const watch = (page) => {
      page.on('console', (m) => {
        if (m.type() === 'error' && !allowed(m)) problems.push(`console: ${m.text()} (${m.location().url})`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('request', (r) => {
        const host = new URL(r.url()).hostname;
        if (!['127.0.0.1', ''].includes(host) && !r.url().startsWith('data:')) {
          problems.push(`request outside 127.0.0.1: ${r.url()}`);
        }
      });
      page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
      return page;
    };
    const page = watch(context.pages()[0] || await context.newPage());

    // An error status the test asks for shows in Chromium's console as
    // "Failed to load resource": allow exactly that status (a number or
    // a list) for URLs holding `path` while `fn` runs.
    const expectStatus = async (path, status, fn) => {
      const re = new RegExp(`status of (${[].concat(status).join('|')})\\b`);
      allowed = (m) => re.test(m.text()) && m.location().url.includes(path);
      try { return await fn(); } finally { allowed = () => false; }
    };
    const expect400 = (path, fn) => expectStatus(path, 400, fn);

    const newPage = async () => {
      const other = await chromium.launchPersistentContext(join(dir, `profile${others.length + 2}`), {
        executablePath: CHROMIUM, headless: true, args: ARGS, locale: 'fr-FR',
        timezoneId: 'Europe/Paris', viewport: { width: 1280, height: 900 },
      });
      others.push(other);
      other.setDefaultTimeout(5000);
      return watch(other.pages()[0] || await other.newPage());
    };
    const cli = (args, env = {}) => execFileSync(ESSAIM, args,
      { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }).toString();

    await test({ page, base, check, expect400, expectStatus, newPage, db, cli });
    check(problems.length === 0, 'no console errors, no failed requests, nothing outside 127.0.0.1');
    for (const p of passed) console.log(`ok    ${p}`);
    console.log(`${name}: ${passed.length} checks passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } catch (e) {
    for (const p of passed) console.log(`ok    ${p}`);
    console.log(`FAIL  ${e.message.split('\n')[0]}`);
    for (const p of problems) console.log(`      ${p}`);
    if (process.env.ESSAIM_PAGES_VERBOSE) console.log(e.stack, log.join('').slice(-3000));
    console.log(`${name}: failed after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return 1;
  } finally {
    clearTimeout(timer);
    for (const c of others) await c.close().catch(() => {});
    if (context) await context.close().catch(() => {});
    if (server && server.exitCode === null) {
      const gone = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      const late = setTimeout(() => server.kill('SIGKILL'), 3000);
      await gone;
      clearTimeout(late);
    }
    stop();
  }
}
