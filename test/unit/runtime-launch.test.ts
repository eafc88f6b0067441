// runtimeLaunch: the command line each managed runtime starts with, as Lambda's bootstrap builds it:
// Node with Lambda's header limit always and its heap flags (sized by MemorySize) only where the
// memory limit is applied (they cost Node its built-in code cache), the interpreter named where it
// is mounted (/var/lang in a sandbox), Python unbuffered and writing no bytecode.
import { describe, expect, it } from 'vitest';
import { type InterpreterSource, knowsDisableSigusr1, runtimeLaunch } from '../../server/environment/runtimes.ts';
import type { FunctionConfig } from '../../server/model.ts';

const runtimes: InterpreterSource = {
  resolve: (runtime) => (runtime.startsWith('nodejs')
    ? { interpreter: { family: 'nodejs', path: '/opt/node24/bin/node', version: '24.11.1', source: 'PATH' }, exact: true }
    : { interpreter: { family: 'python', path: '/usr/bin/python3.11', version: '3.11.2', source: 'PATH' }, exact: true }),
};

function launch(runtime: string, memorySize: number): string[][] {
  const fn: FunctionConfig = {
    name: 'fn', logicalId: 'Fn', codeDir: '/code/fn', handler: 'index.handler', runtime, memorySize, timeout: 3,
    environment: {}, ephemeralStorage: 512, description: '', architecture: 'x86_64', logFormat: 'Text',
  };
  const l = runtimeLaunch(fn, runtimes);
  if ('error' in l) throw new Error(l.error);
  return [l.command('/var/runtime', '/var/task', '/var/lang', false), l.command('/rt', '/code/fn', l.langDir, true)];
}

describe('runtimeLaunch', () => {
  it.each([
    [128, ['--expose-gc', '--max-http-header-size', '81920', '--v8-pool-size=1', '--disable-sigusr1', '--max-semi-space-size=6', '--max-old-space-size=116']],
    [1024, ['--expose-gc', '--max-http-header-size', '81920', '--v8-pool-size=1', '--disable-sigusr1', '--max-semi-space-size=51', '--max-old-space-size=922']],
  ])('Node with %i MB: the header limit and fewer threads always, the heap flags when asked', (memory, heapArgs) => {
    const [plain, limited] = launch('nodejs24.x', memory);
    expect(plain).toEqual(['/var/lang/bin/node', '--max-http-header-size', '81920', '--v8-pool-size=1', '--disable-sigusr1', '/var/runtime/index.mjs']);
    expect(limited).toEqual(['/opt/node24/bin/node', ...heapArgs, '/rt/index.mjs']);
  });

  it('Python: -u -B and the bootstrap script, the interpreter at /var/lang in a sandbox', () => {
    const [sandboxed, host] = launch('python3.11', 128);
    expect(sandboxed).toEqual(['/var/lang/bin/python3.11', '-u', '-B', '/var/runtime/bootstrap.py']);
    expect(host).toEqual(['/usr/bin/python3.11', '-u', '-B', '/rt/bootstrap.py']);
  });

  it.each([
    ['24.11.1', true], ['23.7.0', true], ['23.6.1', false], ['22.14.0', true], ['22.13.1', false], ['20.19.5', false], ['18.20.8', false], ['', false],
  ])('Node %s knows --disable-sigusr1: %s', (version, knows) => {
    expect(knowsDisableSigusr1(version)).toBe(knows);
  });
});
