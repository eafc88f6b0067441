// TypeScript handlers with no build step, with real worker processes under each isolation level:
// bundled by esbuild at cold start, errors traced to .ts lines (source maps), bundle failures are
// INIT errors, SAM's esbuild Metadata is honoured, and bundles are cached by content hash.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundlePlan } from '../../server/build/bundle-plan.ts';
import { type BundleResult, bundle, stopBundler } from '../../server/build/typescript-bundle.ts';
import { fixture, startEmulator, type TestEmulator, isolationLevels, waitFor } from '../helpers/emulator.ts';

const cacheDir = mkdtempSync(join(tmpdir(), 'ephemera-ts-cache-'));
process.env.EPHEMERA_CACHE_DIR = cacheDir;

interface ErrorPayload {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

describe.each(isolationLevels())('TypeScript handlers (%s isolation)', (isolation) => {
  let em: TestEmulator;
  beforeAll(async () => {
    em = await startEmulator(fixture('templates/typescript.yaml'), { isolation });
  });
  afterAll(async () => {
    expect(await em.stopChecked()).toEqual([]);
  });

  it('loads the template without warnings', () => {
    expect(em.eph.internals.template.warnings).toEqual([]);
  });

  it('runs a .ts handler that imports another .ts module', async () => {
    const res = await em.invoke('ts-hello', { name: 'ts' });
    expect(res.headers.get('x-amz-function-error')).toBeNull();
    expect(res.json()).toEqual({ message: 'hello, ts', runtime: 'typescript' });
  });

  it("a thrown error's trace names the .ts files and lines", async () => {
    const res = await em.invoke('ts-throws', { why: 'tested' }, { headers: { 'X-Amz-Log-Type': 'Tail' } });
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    const body = res.json() as ErrorPayload;
    expect(body.errorType).toBe('TsError');
    expect(body.errorMessage).toBe('typescript says no: tested');
    expect(body.trace?.[1]).toMatch(/at fail \(.*fixtures\/functions\/ts-throws\/thrower\.ts:9:\d+\)$/);
    expect(body.trace?.[2]).toMatch(/at handler \(.*fixtures\/functions\/ts-throws\/app\.ts:7:\d+\)$/);
    const log = Buffer.from(res.headers.get('x-amz-log-result') ?? '', 'base64').toString();
    expect(log).toMatch(/thrower\.ts:9:\d+/);
  });

  it('a bundle failure is an INIT error naming the file and line, not a crash', async () => {
    const res = await em.invoke('ts-syntax-error', {}, { headers: { 'X-Amz-Log-Type': 'Tail' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    const body = res.json() as ErrorPayload;
    expect(body.errorType).toBe('Runtime.UserCodeSyntaxError');
    expect(body.errorMessage).toMatch(/^SyntaxError: esbuild could not bundle app\.ts: app\.ts:4:\d+: Unexpected end of file$/);
    const log = Buffer.from(res.headers.get('x-amz-log-result') ?? '', 'base64').toString();
    expect(log).toContain('Error Type: Runtime.UserCodeSyntaxError');
    // The emulator is still fine.
    expect((await em.invoke('ts-hello', {})).status).toBe(200);
  });

  it("honours SAM's Metadata (BuildMethod esbuild, EntryPoints, Minify false)", async () => {
    const res = await em.invoke('ts-esbuild', {});
    expect(res.headers.get('x-amz-function-error')).toBeNull();
    expect(res.json()).toEqual({ built: 'esbuild', minified: false });
  });
});

describe('TypeScript bundle cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ephemera-ts-copy-'));
  let em: TestEmulator;
  beforeAll(async () => {
    process.env.EPHEMERA_CACHE_DIR = join(dir, 'cache');
    cpSync(fixture('functions/ts-hello'), join(dir, 'code'), { recursive: true });
    writeFileSync(join(dir, 'template.yaml'), [
      'Resources:',
      '  Fn:',
      '    Type: AWS::Serverless::Function',
      '    Properties: { FunctionName: ts-copy, CodeUri: code, Handler: app.handler, Runtime: nodejs24.x, Timeout: 10 }',
    ].join('\n'));
    em = await startEmulator(join(dir, 'template.yaml'), { isolation: 'process' });
  });
  afterAll(async () => {
    expect(await em.stopChecked()).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  });

  /** Every bundle directory in the cache (entry/b-<content hash>). */
  const bundles = (): string[] => readdirSync(join(dir, 'cache', 'bundles'))
    .flatMap((entry) => readdirSync(join(dir, 'cache', 'bundles', entry)).filter((n) => n.startsWith('b-')).map((n) => `${entry}/${n}`));
  const greeting = async (name: string): Promise<unknown> => (await em.invoke('ts-copy', { name })).json();

  it('reuses the bundle while the sources are unchanged, rebuilds when an imported file changes', async () => {
    expect(await greeting('a')).toEqual({ message: 'hello, a', runtime: 'typescript' });
    const first = bundles();
    expect(first).toHaveLength(1);
    const env = em.eph.internals.pool.environments()[0];

    await em.eph.internals.pool.recycle('ts-copy');
    expect(await greeting('b')).toEqual({ message: 'hello, b', runtime: 'typescript' });
    // A new cold start... (the old environment, retired as its invocation ended, may still be on its way out)
    await waitFor(() => !em.eph.internals.pool.environments().includes(env), 5000);
    expect(em.eph.internals.pool.environments()).toHaveLength(1);
    expect(bundles()).toEqual(first); // ...with the cached bundle

    writeFileSync(join(dir, 'code', 'greet.ts'), 'export function greet(name: string): string {\n  return `howdy, ${name}`;\n}\n');
    await em.eph.internals.pool.recycle('ts-copy');
    expect(await greeting('c')).toEqual({ message: 'howdy, c', runtime: 'typescript' });
    expect(bundles().filter((b) => !first.includes(b))).toHaveLength(1);
  });
});

describe('TypeScript bundle cache: a source saved while it is being bundled', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ephemera-ts-race-'));
  afterAll(async () => {
    await stopBundler();
    rmSync(dir, { recursive: true, force: true });
  });
  const plan: BundlePlan = { entryPoints: ['app.ts'], format: 'cjs', outbase: dir, external: [], minify: false, target: 'node24', sourcemap: false };
  const source = (word: string): string => `export const handler = async () => '${word}';\n`;
  const built = (r: BundleResult): string => {
    if (!('dir' in r)) throw new Error(r.errors.join('\n'));
    return readFileSync(join(r.dir, 'app.js'), 'utf8');
  };

  it('is bundled again for a caller that came after the save, and the old build is not reused later', async () => {
    writeFileSync(join(dir, 'app.ts'), source('first'));
    const cache = join(dir, 'cache');
    await bundle(dir, plan, cache); // esbuild's service is running from here on
    writeFileSync(join(dir, 'app.ts'), source('second'));
    const during = bundle(dir, plan, cache);
    // Block this thread while esbuild (its own process) reads and bundles 'second'; then save again.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);
    writeFileSync(join(dir, 'app.ts'), source('third'));
    const after = bundle(dir, plan, cache); // e.g. the environment started by --watch after the save
    expect(built(await during)).toContain('"second"'); // the race really happened
    expect(built(await after)).toContain('"third"');
    expect(built(await bundle(dir, plan, cache))).toContain('"third"');
  });
});

describe('TypeScript bundle cache: a rebuild while an older bundle still runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ephemera-ts-inuse-'));
  const cache = join(dir, 'cache');
  let em: TestEmulator;
  const source = (version: string): string => [
    'import { existsSync } from "node:fs";',
    'export const handler = async (event: { waitMs?: number }) => {',
    '  await new Promise((r) => setTimeout(r, event.waitMs ?? 0));',
    `  return { version: '${version}', cwd: process.cwd(), taskRootExists: existsSync(process.env.LAMBDA_TASK_ROOT!) };`,
    '};',
    '',
  ].join('\n');
  beforeAll(async () => {
    process.env.EPHEMERA_CACHE_DIR = cache;
    mkdirSync(join(dir, 'code'));
    writeFileSync(join(dir, 'code', 'app.ts'), source('v1'));
    writeFileSync(join(dir, 'template.yaml'), [
      'Resources:',
      '  Fn:',
      '    Type: AWS::Serverless::Function',
      '    Properties: { FunctionName: ts-inuse, CodeUri: code, Handler: app.handler, Runtime: nodejs24.x, Timeout: 20 }',
    ].join('\n'));
    em = await startEmulator(join(dir, 'template.yaml'), { isolation: 'process' });
  });
  afterAll(async () => {
    expect(await em.stopChecked()).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('does not delete the bundle directory a running environment was started from', async () => {
    const first = (await em.invoke('ts-inuse', {})).json() as { version: string; cwd: string };
    expect(first).toMatchObject({ version: 'v1', taskRootExists: true });
    // The first bundle was made long ago (pruning looks at age), and the source changes.
    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(first.cwd, old, old);
    writeFileSync(join(dir, 'code', 'app.ts'), source('v2'));
    // The warm environment is busy with a long invoke while a second one cold-starts the new code.
    const busy = em.invoke('ts-inuse', { waitMs: 1500 });
    await waitFor(() => em.eph.internals.pool.environments().some((e) => e.state === 'Invoking'), 5000);
    expect((await em.invoke('ts-inuse', {})).json()).toMatchObject({ version: 'v2', taskRootExists: true });
    const res = await busy;
    expect(res.headers.get('x-amz-function-error'), JSON.stringify(res.json())).toBeNull();
    expect(res.json()).toMatchObject({ version: 'v1', cwd: first.cwd, taskRootExists: true });
  });
});
