// Blank sandboxes' pure decisions (server/environment/blank-plan.ts, server/pool/sandbox-pool.ts):
// which cold starts fall back to a normal spawn and why, the blank's key and environment, what it is
// told at assignment, and how many blanks each runtime in use gets.
import { describe, expect, it } from 'vitest';
import { type BlankRequest, assignmentPayload, blankFit, blankSpawnPlan } from '../../server/environment/blank-plan.ts';
import type { RuntimeLaunch } from '../../server/environment/runtimes.ts';
import { blankTargets } from '../../server/pool/sandbox-pool.ts';

const launch: RuntimeLaunch = {
  family: 'nodejs', runtimeDir: '/srv/ephemera/runtime', version: 'nodejs:24.11.1', langDir: '/opt/node-24',
  command: (runtimeDir, _task, lang, heap) => [`${lang}/bin/node`, ...(heap ? ['--expose-gc'] : []), `${runtimeDir}/index.mjs`],
};

const request = (over: Partial<BlankRequest> = {}): BlankRequest => ({
  isolation: 'process', launch, env: { LANG: 'en_US.UTF-8', TZ: ':UTC', NODE_PATH: '/x', LD_LIBRARY_PATH: '/code' }, initType: 'on-demand',
  externalExtensions: 0, managedInstances: false, debugged: false, tmpSeed: false, mountPaths: ['/code'], libraryDirs: ['/code', '/code/lib'],
  ownLibraryPath: false, hasSharedObjects: () => false, ...over,
});

const fallbackOf = (over: Partial<BlankRequest>): string | undefined => {
  const fit = blankFit(request(over));
  return 'fallback' in fit ? fit.fallback : undefined;
};

describe('blankFit: what only acts at process start falls back to a normal spawn', () => {
  const cases: Array<[string, Partial<BlankRequest>, RegExp | undefined]> = [
    ['a plain Node function', {}, undefined],
    ['TZ, NODE_PATH and the function\'s own variables', { env: { LANG: 'en_US.UTF-8', TZ: 'Asia/Tokyo', NODE_PATH: '/y', MY_VAR: '1' } }, undefined],
    ['NODE_OPTIONS of source maps alone (applied at assignment)', { env: { LANG: 'en_US.UTF-8', NODE_OPTIONS: '--enable-source-maps' } }, undefined],
    ['namespace isolation', { isolation: 'namespace' }, undefined],
    ['cgroup isolation', { isolation: 'cgroup' }, /cgroup isolation/],
    ['NODE_OPTIONS', { env: { LANG: 'en_US.UTF-8', NODE_OPTIONS: '--max-old-space-size=200' } }, /NODE_OPTIONS/],
    ['NODE_EXTRA_CA_CERTS', { env: { LANG: 'en_US.UTF-8', NODE_EXTRA_CA_CERTS: '/ca.pem' } }, /NODE_EXTRA_CA_CERTS/],
    ['AWS_LAMBDA_EXEC_WRAPPER', { env: { LANG: 'en_US.UTF-8', AWS_LAMBDA_EXEC_WRAPPER: '/opt/wrap' } }, /AWS_LAMBDA_EXEC_WRAPPER/],
    ['UV_THREADPOOL_SIZE', { env: { LANG: 'en_US.UTF-8', UV_THREADPOOL_SIZE: '8' } }, /UV_THREADPOOL_SIZE/],
    ['LD_PRELOAD', { env: { LANG: 'en_US.UTF-8', LD_PRELOAD: '/x.so' } }, /LD_PRELOAD/],
    ['MALLOC_ARENA_MAX', { env: { LANG: 'en_US.UTF-8', MALLOC_ARENA_MAX: '2' } }, /MALLOC_ARENA_MAX/],
    ['a locale', { env: { LANG: 'de_DE.UTF-8' } }, /LANG/],
    ['LC_ALL', { env: { LANG: 'en_US.UTF-8', LC_ALL: 'C' } }, /LC_ALL/],
    ['PERL5OPT (process isolation\'s perl)', { env: { LANG: 'en_US.UTF-8', PERL5OPT: '-d' } }, /PERL5OPT/],
    ['a Python runtime', { launch: { ...launch, family: 'python' } }, undefined],
    ['PYTHONPATH (applied at assignment)', { env: { LANG: 'en_US.UTF-8', PYTHONPATH: '/opt/python' } }, undefined],
    ['PYTHONHASHSEED', { env: { LANG: 'en_US.UTF-8', PYTHONHASHSEED: '0' } }, /PYTHONHASHSEED/],
    ['PYTHONWARNINGS', { env: { LANG: 'en_US.UTF-8', PYTHONWARNINGS: 'error' } }, /PYTHONWARNINGS/],
    ['a custom runtime', { launch: { ...launch, family: 'provided' } }, /custom runtime/],
    ['provisioned concurrency', { initType: 'provisioned-concurrency' }, /provisioned-concurrency/],
    ['SnapStart', { initType: 'snap-start' }, /snap-start/],
    ['Lambda Managed Instances', { managedInstances: true }, /managed-instances/],
    ['external extensions', { externalExtensions: 1 }, /external extensions/],
    ['--debug', { debugged: true }, /debugger/],
    ['a reset environment\'s /tmp', { tmpSeed: true }, /reset/],
    ['a line break in a path', { mountPaths: ['/co\nde'] }, /line break/],
    ['LD_LIBRARY_PATH set by the function', { ownLibraryPath: true }, /LD_LIBRARY_PATH/],
    ['shared objects on the function\'s LD_LIBRARY_PATH', { hasSharedObjects: (d) => d === '/code/lib' }, /shared objects in \/code\/lib/],
  ];
  for (const [name, over, expected] of cases) {
    it(name, () => {
      const why = fallbackOf(over);
      if (expected) expect(why).toMatch(expected);
      else expect(why).toBeUndefined();
    });
  }
});

describe('the blank', () => {
  it('starts with none of the function\'s folders, without heap flags, and is keyed by what it runs', () => {
    const fit = blankFit(request());
    if (!('spec' in fit)) throw new Error(fit.fallback);
    expect(fit.spec.command).toEqual(['/opt/node-24/bin/node', '/srv/ephemera/runtime/index.mjs']);
    expect(fit.spec.env).toEqual({
      PATH: '/usr/local/bin:/usr/bin/:/bin', LANG: 'en_US.UTF-8', TZ: ':UTC',
      LD_LIBRARY_PATH: '/opt/node-24/lib:/lib64:/usr/lib64:/srv/ephemera/runtime:/srv/ephemera/runtime/lib',
    });
    const other = blankFit(request({ env: { LANG: 'en_US.UTF-8', OTHER: '1' }, mountPaths: ['/elsewhere'] }));
    expect('spec' in other && other.spec.key).toBe(fit.spec.key);
    const ns = blankFit(request({ isolation: 'namespace' }));
    if (!('spec' in ns)) throw new Error(ns.fallback);
    expect(ns.spec.command).toEqual(['/var/lang/bin/node', '/var/runtime/index.mjs']);
    expect(ns.spec.key).not.toBe(fit.spec.key);
    const plan = blankSpawnPlan(ns.spec, ['setpriv', '--pdeathsig', 'KILL', '--'], [], '-all');
    expect([plan.command, ...plan.args.slice(0, 4)]).toEqual(['setpriv', '--pdeathsig', 'KILL', '--', 'unshare']);
    expect(plan.args).toEqual(expect.arrayContaining(['--mount', '--pid', '--mount-proc', '--kill-child', 'ephemera-sandbox']));
    expect(plan.args.slice(-2)).toEqual(['/var/lang/bin/node', '/var/runtime/index.mjs']);
    expect(plan).toMatchObject({ deferredSettings: true, sandbox: 'namespace', env: ns.spec.env });
  });

  it('is told the function\'s whole environment, its working directory and settings; in a namespace its mounts first', () => {
    const plan = { env: { A: '1', NODE_OPTIONS: '--enable-source-maps' }, cwd: '/code', settings: JSON.stringify({ leaks: true }) };
    expect(JSON.parse(assignmentPayload({ isolation: 'process', plan }))).toEqual({
      leaks: true, assignment: { env: plan.env, cwd: '/code', sourceMaps: true },
    });
    const mounts = { codeDir: '/code', layers: ['/l1', '/l2'], tmpMB: 512, underTmp: false };
    const lines = assignmentPayload({ isolation: 'namespace', plan: { env: { A: '1' }, cwd: '/code' }, mounts }).split('\n');
    expect(lines.slice(0, 6)).toEqual(['/code', '', '512', 'overlay', 'lowerdir=/l2:/l1', 'keep']);
    expect(JSON.parse(lines[6])).toEqual({ assignment: { env: { A: '1' }, cwd: '/var/task' } });
    // The /tmp made ahead: resized for another EphemeralStorage; made again when the code is under the host's /tmp.
    const tmpLine = (over: Partial<typeof mounts>): string =>
      assignmentPayload({ isolation: 'namespace', plan: { env: {}, cwd: '/code' }, mounts: { ...mounts, ...over } }).split('\n')[5];
    expect(tmpLine({ tmpMB: 1024 })).toBe('resize');
    expect(tmpLine({ underTmp: true })).toBe('new');
  });
});

describe('blankTargets: one blank per runtime in use, most recent first, spares to the most recent', () => {
  const cases: Array<[string[], number, Record<string, number>]> = [
    [[], 2, {}],
    [['node24'], 0, {}],
    [['node24'], 2, { node24: 2 }],
    [['node24', 'node22'], 2, { node24: 1, node22: 1 }],
    [['node24', 'node22', 'node20'], 2, { node24: 1, node22: 1 }],
    [['node24', 'node22'], 4, { node24: 3, node22: 1 }],
  ];
  for (const [recent, size, expected] of cases) {
    it(`${recent.join(',') || 'none'} with ${size}`, () => expect(Object.fromEntries(blankTargets(recent, size))).toEqual(expected));
  }
});
