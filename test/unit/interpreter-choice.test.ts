// Which interpreter a runtime runs on, and the one start-up warning when its version or architecture
// cannot be honoured: pure rules over candidate lists (interpreter-choice.ts, runtime-ids.ts).
import { describe, expect, it } from 'vitest';
import { EMULATOR_NODE, type Interpreter, chooseInterpreter, runtimeProblem } from '../../server/environment/interpreters/interpreter-choice.ts';
import { clientRuns, compareVersions, wantedBy } from '../../server/environment/interpreters/runtime-ids.ts';

const node = (version: string, source = 'PATH', explicit = false): Interpreter => ({ family: 'nodejs', path: `/n${version}/bin/node`, version, source, explicit });
const py = (version: string, source = 'PATH'): Interpreter => ({ family: 'python', path: `/p${version}/bin/python3`, version, source, modules: [] });

describe('wantedBy', () => {
  it.each([
    ['nodejs22.x', { family: 'nodejs', major: 22 }],
    ['nodejs24.x', { family: 'nodejs', major: 24 }],
    ['python3.12', { family: 'python', minor: '3.12' }],
    ['python3.9', { family: 'python', minor: '3.9' }],
    ['provided.al2023', { family: 'provided' }],
    ['provided', { family: 'provided' }],
    ['java21', undefined],
    ['nodejs', undefined],
  ])('%s', (runtime, wanted) => expect(wantedBy(runtime)).toEqual(wanted));

  it('compares versions numerically and knows what our clients run on', () => {
    expect(compareVersions('22.9.0', '22.23.5')).toBeLessThan(0);
    expect(compareVersions('v24.1.0', '24.1.0')).toBe(0);
    expect([clientRuns('nodejs', '18.18.0'), clientRuns('nodejs', '18.19.0'), clientRuns('python', '3.7.16'), clientRuns('python', '3.8.0')]).toEqual([false, true, false, true]);
  });
});

describe('chooseInterpreter', () => {
  const n22 = wantedBy('nodejs22.x')!;
  const p312 = wantedBy('python3.12')!;
  it.each([
    ['the first of its version, in order of preference', n22, [node('24.1.0'), node('22.1.0', 'nvm'), node('22.9.0', 'fnm')], '22.1.0', true],
    ["none of its version: the emulator's own Node", n22, [node('20.1.0'), node('24.11.1', EMULATOR_NODE)], '24.11.1', false],
    ['one the user named, whatever its version', n22, [node('22.1.0'), node('20.1.0', '--runtime-path', true)], '20.1.0', false],
    ['a Node too old for our client is not a candidate', wantedBy('nodejs18.x')!, [node('18.1.0'), node('24.1.0', EMULATOR_NODE)], '24.1.0', false],
    ['Python of its minor version', p312, [py('3.11.2'), py('3.12.1', 'pyenv')], '3.12.1', true],
    ['the nearest minor, the lower on a tie', p312, [py('3.14.0'), py('3.9.18'), py('3.11.2'), py('3.13.0')], '3.11.2', false],
    ['the nearest minor above when none is below', wantedBy('python3.9')!, [py('3.13.0'), py('3.11.2')], '3.11.2', false],
  ])('%s', (_name, wanted, candidates, version, exact) => {
    const choice = chooseInterpreter(wanted, candidates);
    expect(choice.interpreter?.version).toBe(version);
    expect(choice.exact).toBe(exact);
  });

  it('nothing at all', () => expect(chooseInterpreter(p312, [])).toEqual({ interpreter: undefined, exact: false }));
});

describe('runtimeProblem', () => {
  const base = { architecture: 'x86_64', hostArch: 'x64', fetch: false };
  it('says nothing when version and architecture are honoured', () => {
    expect(runtimeProblem({ ...base, runtime: 'nodejs22.x', wanted: wantedBy('nodejs22.x')!, choice: { interpreter: node('22.1.0'), exact: true } })).toBeUndefined();
    expect(runtimeProblem({ ...base, runtime: 'provided.al2023', wanted: { family: 'provided' }, choice: { exact: true } })).toBeUndefined();
  });
  it('names what runs instead and how to get the right one', () => {
    const msg = runtimeProblem({ ...base, runtime: 'nodejs22.x', wanted: wantedBy('nodejs22.x')!, choice: { interpreter: node('24.11.1', EMULATOR_NODE), exact: false } });
    expect(msg).toBe("nodejs22.x runs on Node 24.11.1 (/n24.11.1/bin/node, the emulator's Node), not Node 22: install Node 22 (nvm, fnm, volta, asdf, mise) or pass --runtime-path nodejs22.x=/path/to/node, or start with --fetch-runtimes to fetch it from the npm registry");
    const python = runtimeProblem({ ...base, runtime: 'python3.12', wanted: wantedBy('python3.12')!, choice: { interpreter: py('3.11.2'), exact: false } });
    expect(python).toBe('python3.12 runs on Python 3.11.2 (/p3.11.2/bin/python3, PATH), not Python 3.12: install Python 3.12 (pyenv, uv, asdf, mise or your system\'s packages) or pass --runtime-path python3.12=/path/to/python3.12');
    expect(runtimeProblem({ ...base, runtime: 'python3.12', wanted: wantedBy('python3.12')!, choice: { exact: false } })).toMatch(/^no Python 3 interpreter found to run python3\.12: .*invoking it returns Runtime\.InvalidRuntime$/);
  });
  it.each([
    ['arm64', 'x64', 'Architectures arm64 runs as x86_64'],
    ['x86_64', 'arm64', 'Architectures x86_64 runs as arm64'],
    ['arm64', 'arm64', undefined],
  ])('architecture %s on a %s machine', (architecture, hostArch, start) => {
    const msg = runtimeProblem({ ...base, architecture, hostArch, runtime: 'python3.12', wanted: wantedBy('python3.12')!, choice: { interpreter: py('3.12.1'), exact: true } });
    if (start === undefined) expect(msg).toBeUndefined();
    else expect(msg?.startsWith(`${start} (this machine's architecture)`)).toBe(true);
  });
  it('both in one sentence', () => {
    const msg = runtimeProblem({ ...base, architecture: 'arm64', runtime: 'python3.12', wanted: wantedBy('python3.12')!, choice: { interpreter: py('3.11.2'), exact: false } });
    expect(msg).toMatch(/^python3\.12 runs on Python 3\.11\.2 .*; Architectures arm64 runs as x86_64/);
  });
});
