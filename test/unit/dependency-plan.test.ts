// When a function's dependencies are installed for it (as sam build does) and under which content key:
// a table of code dirs (dependency-plan.ts); and where a wrapper named at /var/task or /opt lives on the
// host under process isolation (exec-wrapper.ts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CodeFacts, dependencyPlan, forBuild } from '../../server/build/dependency-plan.ts';
import { execWrapperArgv, hostWrapperPath } from '../../server/environment/exec-wrapper.ts';

const base: CodeFacts = { runtime: 'python3.12', codeDir: '/p/fn', hasNodeModules: false, hasInstalledPackages: false, interpreterVersion: '3.12', architecture: 'x86_64' };
const pkg = (o: object): string => JSON.stringify(o);

describe('dependencyPlan', () => {
  it.each([
    ['python with requirements.txt', { requirements: 'requests==2.32.0\n' }, 'python'],
    ['python, requirements.txt of comments only', { requirements: '# none\n\n' }, 'none'],
    ['python already built (sam build output)', { requirements: 'x\n', hasInstalledPackages: true }, 'none'],
    ['python without requirements.txt', {}, 'none'],
    ['node with dependencies, no node_modules', { runtime: 'nodejs22.x', packageJson: pkg({ dependencies: { ms: '2' } }) }, 'nodejs'],
    ['node with node_modules already', { runtime: 'nodejs22.x', packageJson: pkg({ dependencies: { ms: '2' } }), hasNodeModules: true }, 'none'],
    ['node with devDependencies only', { runtime: 'nodejs22.x', packageJson: pkg({ devDependencies: { vitest: '5' } }) }, 'none'],
    ['node, package.json that is not JSON', { runtime: 'nodejs22.x', packageJson: '{' }, 'none'],
    ['node runtime with a requirements.txt', { runtime: 'nodejs22.x', requirements: 'x\n' }, 'none'],
    ['provided runtime', { runtime: 'provided.al2023', requirements: 'x\n', packageJson: pkg({ dependencies: { a: '1' } }) }, 'none'],
  ])('%s', (_name, facts, kind) => expect(dependencyPlan({ ...base, ...facts } as CodeFacts).kind).toBe(kind));

  it('the key changes with the manifest, the lock, the interpreter version and the architecture, and only with them', () => {
    const key = (f: Partial<CodeFacts>): string => (dependencyPlan({ ...base, requirements: 'a\n', ...f }) as { key: string }).key;
    const keys = [key({}), key({ requirements: 'b\n' }), key({ interpreterVersion: '3.13' }), key({ architecture: 'arm64' })];
    expect(new Set(keys).size).toBe(4);
    expect(key({})).toBe(key({ hasNodeModules: true }));
    const node = (f: Partial<CodeFacts>): string => (dependencyPlan({ ...base, runtime: 'nodejs22.x', packageJson: pkg({ dependencies: { ms: '2' } }), ...f }) as { key: string }).key;
    expect(node({ lock: 'one' })).not.toBe(node({ lock: 'two' }));
  });

  it('makes local dependencies absolute (the build runs elsewhere), drops devDependencies, and the lock with local ones', () => {
    const { pkg: out, local } = forBuild({ name: 'x', dependencies: { lib: 'file:../lib', other: '../other', ms: '^2', abs: 'file:/abs/x' }, devDependencies: { t: '1' } }, '/p/fn');
    expect(local).toBe(true);
    expect(out).toEqual({ name: 'x', dependencies: { lib: 'file:/p/lib', other: 'file:/p/other', ms: '^2', abs: 'file:/abs/x' } });
    const plan = dependencyPlan({ ...base, runtime: 'nodejs22.x', packageJson: pkg({ dependencies: { lib: 'file:../lib' } }), lock: '{}' });
    expect(plan).toMatchObject({ kind: 'nodejs', lock: undefined });
    expect(dependencyPlan({ ...base, runtime: 'nodejs22.x', packageJson: pkg({ dependencies: { ms: '2' } }), lock: '{}' })).toMatchObject({ lock: '{}' });
  });
});

describe('AWS_LAMBDA_EXEC_WRAPPER', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ephemera-wrapper-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the command through the bootstrap\'s checks only when set', () => {
    expect(execWrapperArgv(undefined, ['node', 'index.mjs'])).toEqual(['node', 'index.mjs']);
    expect(execWrapperArgv('/opt/w', ['node', 'index.mjs'])).toEqual(['/bin/sh', '-c', expect.stringContaining('does not exist'), 'ephemera-bootstrap', '/opt/w', 'node', 'index.mjs']);
  });

  it('process isolation: /var/task and /opt stand for the code dir and the last layer that has the file', () => {
    for (const layer of ['one', 'two']) mkdirSync(join(dir, layer, 'bin'), { recursive: true });
    writeFileSync(join(dir, 'one/bin/w.sh'), '');
    writeFileSync(join(dir, 'two/bin/w.sh'), '');
    const layers = [join(dir, 'one'), join(dir, 'two')];
    expect(hostWrapperPath('/var/task/w.sh', '/code', layers)).toBe('/code/w.sh');
    expect(hostWrapperPath('/opt/bin/w.sh', '/code', layers)).toBe(join(dir, 'two/bin/w.sh'));
    expect(hostWrapperPath('/opt/none.sh', '/code', layers)).toBe('/opt/none.sh');
    expect(hostWrapperPath('/usr/local/bin/w', '/code', layers)).toBe('/usr/local/bin/w');
  });
});
