// The dev loop's pure parts: its CLI options, SAM's --parameter-overrides syntax, --env-vars merging
// (Parameters, per-function entries, declared variables only), the --debug target, which handlers
// esbuild bundles (and how), and `ephemera invoke`'s argument split.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundlePlan, buildWarnings, functionBuild, handlerModule } from '../../server/build/bundle-plan.ts';
import { CodeWatcher } from '../../server/dev/code-watcher.ts';
import { debugTarget } from '../../server/dev/debug.ts';
import { applyEnvVarsFile, loadEnvVarsFile, overriddenEnvironment } from '../../server/dev/env-vars-file.ts';
import { splitInvokeArgs } from '../../server/cli/invoke-command.ts';
import { parseParameterOverrides } from '../../server/dev/parameter-overrides.ts';
import type { FunctionConfig } from '../../server/model.ts';
import { OptionsError, parseOptions } from '../../server/options.ts';

const dir = mkdtempSync(join(tmpdir(), 'ephemera-devloop-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fn(over: Partial<FunctionConfig>): FunctionConfig {
  return {
    name: 'fn', logicalId: 'Fn', codeDir: dir, handler: 'index.handler', runtime: 'nodejs24.x', memorySize: 128, timeout: 3,
    environment: {}, ephemeralStorage: 512, description: '', architecture: 'x86_64', logFormat: 'Text', ...over,
  };
}

describe('dev loop options', () => {
  it('--watch is a flag without a value; EPHEMERA_WATCH and --watch=false work too', () => {
    expect(parseOptions([], {}).watch).toBe(false);
    expect(parseOptions(['--watch', '--port', '4000'], {})).toMatchObject({ watch: true, port: 4000 });
    expect(parseOptions([], { EPHEMERA_WATCH: '1' }).watch).toBe(true);
    expect(parseOptions(['--watch=false'], { EPHEMERA_WATCH: 'true' }).watch).toBe(false);
    expect(() => parseOptions(['--watch=maybe'], {})).toThrow("--watch is true or false, got 'maybe'");
  });
  it('--env-vars is resolved to an absolute path; --debug and --debug-port are read', () => {
    expect(parseOptions(['--env-vars', 'env.json'], {}).envVars).toBe(resolve('env.json'));
    expect(parseOptions(['--debug', 'echo', '--debug-port=9300'], {})).toMatchObject({ debug: 'echo', debugPort: 9300 });
    expect(parseOptions([], { EPHEMERA_DEBUG_PORT: '9301' }).debugPort).toBe(9301);
  });
  it('--parameter-overrides add up over several flags; EPHEMERA_PARAMETER_OVERRIDES is the base', () => {
    const o = parseOptions(['--parameter-overrides', 'A=1 B=2', '--parameter-overrides=B=3'], { EPHEMERA_PARAMETER_OVERRIDES: 'C=env' });
    expect(o.parameterOverrides).toEqual({ A: '1', B: '3', C: 'env' });
    expect(() => parseOptions(['--parameter-overrides', 'nonsense'], {})).toThrow(OptionsError);
  });
});

describe('parseParameterOverrides (SAM syntax)', () => {
  it('reads Key=Value pairs and the ParameterKey=,ParameterValue= form', () => {
    expect(parseParameterOverrides('Stage=prod Table=t1')).toEqual({ Stage: 'prod', Table: 't1' });
    expect(parseParameterOverrides('ParameterKey=KeyPairName,ParameterValue=MyKey ParameterKey=InstanceType,ParameterValue=t1.micro'))
      .toEqual({ KeyPairName: 'MyKey', InstanceType: 't1.micro' });
  });
  it('keeps spaces inside quotes and after a backslash; values may hold = and ,', () => {
    expect(parseParameterOverrides(`Greeting="good morning" Other='it is' Path=a\\ b`)).toEqual({ Greeting: 'good morning', Other: 'it is', Path: 'a b' });
    expect(parseParameterOverrides('Url=https://x/?a=b,c Empty=')).toEqual({ Url: 'https://x/?a=b,c', Empty: '' });
    expect(parseParameterOverrides('  ')).toEqual({});
  });
  it('rejects what is not a pair, and unterminated quotes', () => {
    expect(() => parseParameterOverrides('Stage')).toThrow(/'Stage' is not in valid format. It must look something like/);
    expect(() => parseParameterOverrides('A="open')).toThrow(/unterminated " quote/);
  });
});

describe('--env-vars file', () => {
  const echo = fn({ name: 'echo', logicalId: 'EchoFunction', environment: { TABLE: 't', STAGE: 'dev', COLOUR: 'blue' } });
  it('Parameters apply to every function; the function entry (logical id, else name) wins', () => {
    expect(overriddenEnvironment(echo, { Parameters: { STAGE: 'prod', COLOUR: 'red' }, EchoFunction: { COLOUR: 'green' } }))
      .toEqual({ TABLE: 't', STAGE: 'prod', COLOUR: 'green' });
    expect(overriddenEnvironment(echo, { echo: { TABLE: 'by-name' } })).toEqual({ TABLE: 'by-name', STAGE: 'dev', COLOUR: 'blue' });
    expect(overriddenEnvironment(echo, { EchoFunction: { TABLE: 'by-id' }, echo: { TABLE: 'by-name' } }).TABLE).toBe('by-id');
  });
  it('overrides declared variables and adds the others (not reserved ones); values are stringified as SAM does', () => {
    const env = overriddenEnvironment(echo, { Parameters: { NEW: 'x', TABLE: 5, STAGE: true, COLOUR: { Ref: 'X' }, AWS_REGION: 'eu-west-1' } });
    expect(env).toEqual({ TABLE: '5', STAGE: 'true', COLOUR: '', NEW: 'x' });
  });
  it('applies to every function, says what it added, and warns about entries that change nothing', () => {
    const fns = [fn({ ...echo, environment: { ...echo.environment } }), fn({ name: 'other', logicalId: 'Other', environment: { COLOUR: 'x' } })];
    const { warnings, notes } = applyEnvVarsFile(fns, { Parameters: { COLOUR: 'all' }, EchoFunction: { UNDECLARED: '1', _HANDLER: 'x.y' }, Ghost: {} });
    expect(fns.map((f) => f.environment.COLOUR)).toEqual(['all', 'all']);
    expect(fns[0].environment.UNDECLARED).toBe('1');
    expect(fns[1].environment.UNDECLARED).toBeUndefined();
    expect(notes).toEqual(['--env-vars: UNDECLARED added to EchoFunction (its template does not declare it; sam local would only override declared variables)']);
    expect(warnings).toEqual([
      '--env-vars: _HANDLER for EchoFunction not set: reserved by Lambda (the platform sets them)',
      expect.stringContaining('"Ghost" matches no function'),
    ]);
  });
  it('reports unreadable files, bad JSON and entries that are not objects', () => {
    expect(() => loadEnvVarsFile(join(dir, 'missing.json'))).toThrow(/--env-vars: cannot read/);
    writeFileSync(join(dir, 'bad.json'), '{nope');
    expect(() => loadEnvVarsFile(join(dir, 'bad.json'))).toThrow(/is not valid JSON/);
    writeFileSync(join(dir, 'flat.json'), '{"VAR": "value"}');
    expect(() => loadEnvVarsFile(join(dir, 'flat.json'))).toThrow(/"VAR": "value" in incorrect format/);
    writeFileSync(join(dir, 'good.json'), '{"Parameters": {"A": "1"}}');
    expect(loadEnvVarsFile(join(dir, 'good.json'))).toEqual({ Parameters: { A: '1' } });
  });
});

describe('debugTarget', () => {
  const fns = [fn({ name: 'a', logicalId: 'A' }), fn({ name: 'b', logicalId: 'B' }), fn({ name: 'py', logicalId: 'Py', runtime: 'python3.12' })];
  it('none without --debug or --debug-port; 9229 by default; by name or logical id', () => {
    expect(debugTarget(undefined, undefined, fns)).toBeUndefined();
    expect(debugTarget('a', undefined, fns)).toEqual({ functionName: 'a', port: 9229 });
    expect(debugTarget('B', 9300, fns)).toEqual({ functionName: 'b', port: 9300 });
    expect(debugTarget(undefined, 9300, [fns[0]])).toEqual({ functionName: 'a', port: 9300 });
  });
  it('rejects an unknown function, a non-Node one, and a bare port with several functions', () => {
    expect(() => debugTarget('zz', undefined, fns)).toThrow(/--debug zz: no such function/);
    expect(() => debugTarget('rb', undefined, [...fns, fn({ name: 'rb', logicalId: 'Rb', runtime: 'ruby3.3' })])).toThrow(/only Node.js and Python functions can be debugged/);
    const noDebugpy = { resolve: () => ({ interpreter: { family: 'python' as const, path: '/py/bin/python3', version: '3.12.1', source: 'PATH', modules: ['pip'] }, exact: true }) };
    expect(() => debugTarget('py', undefined, fns, noDebugpy)).toThrow(/--debug py: Python functions are debugged with debugpy, and \/py\/bin\/python3 \(Python 3\.12\.1.*`\/py\/bin\/python3 -m pip install debugpy`/);
    const withDebugpy = { resolve: () => ({ interpreter: { family: 'python' as const, path: '/py/bin/python3', version: '3.12.1', source: 'PATH', modules: ['debugpy'] }, exact: true }) };
    expect(debugTarget('py', 9300, fns, withDebugpy)).toEqual({ functionName: 'py', port: 9300 });
    expect(() => debugTarget(undefined, 9300, fns)).toThrow(/--debug-port needs --debug <function> when the template has 3 functions/);
  });
});

describe('bundlePlan', () => {
  const code = (name: string, files: Record<string, string>): string => {
    const root = join(dir, name);
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(join(root, file, '..'), { recursive: true });
      writeFileSync(join(root, file), text);
    }
    return root;
  };
  it('bundles a .ts handler module, keeping the layout (outbase: the code dir), cjs unless "type": "module"', () => {
    const root = code('ts', { 'src/app.ts': '' });
    expect(bundlePlan(fn({ codeDir: root, handler: 'src/app.handler' }))).toEqual({
      plan: { entryPoints: ['src/app.ts'], format: 'cjs', outbase: root, external: [], minify: false, target: 'node24', sourcemap: true },
    });
    const esm = code('ts-esm', { 'app.ts': '', 'package.json': '{"type":"module"}' });
    expect(bundlePlan(fn({ codeDir: esm, handler: 'app.handler', runtime: 'nodejs22.x' }))).toMatchObject({ plan: { format: 'esm', target: 'node22' } });
    const mts = code('mts', { 'app.mts': '' });
    expect(bundlePlan(fn({ codeDir: mts, handler: 'app.handler' }))).toMatchObject({ plan: { entryPoints: ['app.mts'], format: 'esm' } });
  });
  it('leaves JavaScript handlers, missing modules and other runtimes alone', () => {
    const both = code('both', { 'app.ts': '', 'app.js': '' });
    expect(bundlePlan(fn({ codeDir: both, handler: 'app.handler' }))).toEqual({ none: true });
    expect(bundlePlan(fn({ codeDir: code('empty', { 'x.txt': '' }), handler: 'app.handler' }))).toEqual({ none: true });
    expect(bundlePlan(fn({ codeDir: code('py', { 'app.ts': '' }), handler: 'app.handler', runtime: 'python3.12' }))).toEqual({ none: true });
  });
  it("SAM's esbuild Metadata: EntryPoints (suffix optional), External, Minify, Target, Format, esbuild's own outbase", () => {
    const root = code('sam', { 'src/handler.ts': '' });
    const build = functionBuild({ BuildMethod: 'esbuild', BuildProperties: { EntryPoints: ['src/handler'], External: ['@aws-sdk/*'], Minify: 'true', Target: 'es2020', Format: 'esm' } });
    expect(bundlePlan(fn({ codeDir: root, handler: 'handler.handler', build }))).toEqual({
      plan: { entryPoints: ['src/handler.ts'], format: 'esm', outbase: undefined, external: ['@aws-sdk/*'], minify: true, target: 'es2020', sourcemap: true, mainFields: undefined, loader: undefined },
    });
    expect(bundlePlan(fn({ codeDir: root, build: functionBuild({ BuildMethod: 'esbuild', BuildProperties: { EntryPoints: ['nope.ts'] } }) })))
      .toEqual({ error: `entry point ${join(root, 'nope.ts')} does not exist` });
    expect(bundlePlan(fn({ codeDir: root, build: functionBuild({ BuildMethod: 'esbuild', BuildProperties: { EntryPoints: ['src/handler.ts'], Format: 'iife' } }) })))
      .toEqual({ error: 'BuildProperties.Format must be cjs or esm, got "iife"' });
  });
  it('warns about build methods and properties not applied locally', () => {
    expect(functionBuild({ Dockerfile: 'x' })).toBeUndefined();
    expect(buildWarnings(functionBuild({ BuildMethod: 'makefile' }))).toEqual([expect.stringContaining('BuildMethod makefile is not applied locally')]);
    expect(buildWarnings(functionBuild({ BuildMethod: 'esbuild', BuildProperties: { Minify: false, Banner: 'x' } }))).toEqual([expect.stringContaining('BuildProperties Banner not applied locally')]);
  });
  it('finds the handler module as the runtime does', () => {
    expect(handlerModule('index.handler')).toBe('index');
    expect(handlerModule('src/app.nested.fn')).toBe('src/app');
  });
});

describe('ephemera invoke arguments', () => {
  it('takes the function first, --event/-e anywhere, the rest as start flags', () => {
    expect(splitInvokeArgs(['echo', '--event', 'e.json', '--port', '1'])).toEqual({ functionName: 'echo', event: 'e.json', rest: ['--port', '1'] });
    expect(splitInvokeArgs(['--template', 't.yaml', '-e', '-'])).toEqual({ functionName: undefined, event: '-', rest: ['--template', 't.yaml'] });
    expect(splitInvokeArgs(['echo', '--event=x.json'])).toMatchObject({ event: 'x.json' });
    expect(() => splitInvokeArgs(['echo', '--event'])).toThrow('--event needs a file name (or - for stdin)');
  });
});

describe('CodeWatcher', () => {
  it('logs a failed reload instead of crashing, and reloads again on the next change', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ephemera-watch-unit-'));
    writeFileSync(join(dir, 'index.mjs'), 'export const handler = async () => 1;\n');
    const errors: string[] = [];
    const logger = { info: () => {}, warn: () => {}, debug: () => {}, error: (_o: unknown, msg: string) => errors.push(msg) };
    let calls = 0;
    const recycler = { recycle: async () => { calls++; if (calls === 1) throw new Error('pool gone'); return 0; } };
    const fn = { name: 'f', logicalId: 'F', codeDir: dir, handler: 'index.handler', runtime: 'nodejs24.x', memorySize: 128, timeout: 3, environment: {}, ephemeralStorage: 512, description: '', architecture: 'x86_64', logFormat: 'Text' as const };
    const watcher = new CodeWatcher([fn], recycler, logger as never, 10);
    try {
      await watcher.ready;
      writeFileSync(join(dir, 'index.mjs'), 'export const handler = async () => 2;\n');
      await waitUntil(() => errors.length === 1);
      expect(errors).toEqual(['reload failed; the next change tries again']);
      const reloaded = new Promise((r) => watcher.onReload(r));
      writeFileSync(join(dir, 'index.mjs'), 'export const handler = async () => 3;\n');
      await reloaded;
      expect(calls).toBe(2);
    } finally {
      await watcher.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

async function waitUntil(ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
