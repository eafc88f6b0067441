// Our Node runtime client (runtime-api/bootstrap/nodejs/index.mjs) started as a real child process
// against a recording Runtime API (FakeRuntimeApi), for test/integration/node-runtime-client*.test.ts:
// each file calls useRuntimeClient() once, then start()s runtimes (killed and checked gone after each test).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { isAlive } from './emulator.ts';
import { FakeRuntimeApi } from './fake-runtime-api.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const CLIENT = join(ROOT, 'runtime-api/bootstrap/nodejs/index.mjs');
const FIXTURES = join(ROOT, 'fixtures/functions');
/** An ISO timestamp with milliseconds, as a RegExp source. */
export const ISO = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';

export interface Runtime {
  child: ChildProcess;
  api: FakeRuntimeApi;
  /** Complete stdout lines so far. */
  lines: string[];
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: Runtime[] = [];
/** A temp dir with the scratch handlers below (set by useRuntimeClient's beforeAll). */
export let scratch = '';

/** Handlers that are not worth a fixture folder: written to a temp dir for this file. */
const SCRATCH_HANDLERS: Record<string, string> = {
  'undef.mjs': 'export const handler = async () => undefined;',
  'string.mjs': "export const handler = async () => 'hello just a string';",
  'never.mjs': 'export const handler = async () => { await new Promise(() => {}); };',
  'sync.mjs': "export const handler = () => { setTimeout(() => console.log('late'), 50); };",
  'uncaught.mjs':
    "export const handler = async () => { setTimeout(() => { throw new TypeError('from a timer'); }, 10);" +
    ' await new Promise((r) => setTimeout(r, 2000)); return 1; };',
  'unhandled.mjs':
    "export const handler = async () => { Promise.reject(new Error('nobody catches me'));" +
    ' await new Promise((r) => setTimeout(r, 2000)); return 1; };',
  'fail.mjs':
    "export const handler = (event, context) => event.err ? context.fail(new RangeError('bad range')) : context.fail();",
  'succeed-twice.mjs':
    "export const handler = (event, context) => { context.succeed('first'); context.succeed('second'); context.done(new Error('x')); };",
  'notfn.mjs': 'export const handler = 42;',
  'cjs-missing-dep.cjs': "require('definitely-not-installed-xyz'); exports.handler = async () => 1;",
  'esm-missing-dep.mjs': "import 'definitely-not-installed-xyz'; export const handler = async () => 1;",
  'nested-export.mjs': 'export const a = { b: { handler: async () => ({ nested: true }) } };',
  'json-error.mjs': "export const handler = async () => { console.error(new Error('json boom')); return 1; };",
};

/** The scratch dir before the file's tests, and after each test: every runtime started is killed and gone. */
export function useRuntimeClient(): void {
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'ephemera-rtc-'));
    for (const [name, code] of Object.entries(SCRATCH_HANDLERS)) writeFileSync(join(scratch, name), code + '\n');
  });
  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });
  afterEach(async () => {
    for (const rt of started.splice(0)) {
      const pid = rt.child.pid!;
      if (rt.child.exitCode === null && rt.child.signalCode === null) rt.child.kill('SIGKILL');
      await rt.exit;
      expect(isAlive(pid)).toBe(false);
      await rt.api.close();
    }
  });
}

export async function start(
  taskRoot: string,
  handler: string,
  env: Record<string, string> = {},
  api?: FakeRuntimeApi,
): Promise<Runtime> {
  api ??= await FakeRuntimeApi.start();
  const child = spawn(process.execPath, [CLIENT], {
    cwd: taskRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      AWS_LAMBDA_RUNTIME_API: api.address,
      _HANDLER: handler,
      LAMBDA_TASK_ROOT: taskRoot,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_LAMBDA_FUNCTION_NAME: 'fixture',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/fixture',
      AWS_LAMBDA_LOG_STREAM_NAME: '2026/11/24/[$LATEST]0123456789abcdef0123456789abcdef',
      AWS_LAMBDA_LOG_FORMAT: 'Text',
      ...env,
    },
  });
  const { lines, stderr } = collectOutput(child);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.on('exit', (code, signal) => res({ code, signal })),
  );
  const rt: Runtime = { child, api, lines, stderr, exit };
  started.push(rt);
  return rt;
}

/** A runtime's stdout as complete lines (so far) and its stderr as one string. */
export function collectOutput(child: ChildProcess): { lines: string[]; stderr: () => string } {
  const lines: string[] = [];
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  return { lines, stderr: () => err };
}

export const fixture = (name: string): string => join(FIXTURES, name);
