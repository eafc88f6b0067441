// Dependencies installed as `sam build` installs them, with real pip and npm under each isolation level:
// a Python CodeUri's requirements.txt (naming a wheel the test makes: no PyPI) through `pip install -r
// -t`, a Node CodeUri's package.json without node_modules (a local file: package and a tiny package
// from the npm registry) through `npm install --omit=dev`, also for a TypeScript handler; a build
// reused by content, re-done under --watch when the manifest changes, and a failed one a single clear
// line (the function runs without its dependencies).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRuntimes } from '../../server/environment/runtimes.ts';
import { DependencyBuilds } from '../../server/build/dependency-builds.ts';
import { capturingLogger, startEmulator, type TestEmulator, isolationLevels, waitFor } from '../helpers/emulator.ts';
import { type Project, makeProject } from '../helpers/project.ts';
import { wheelOf } from '../helpers/wheel.ts';

const python = defaultRuntimes().resolve('python3.11');
const PY = 'interpreter' in python ? `python${python.interpreter.version.split('.').slice(0, 2).join('.')}` : 'python3.11';
const noPip = 'interpreter' in python && python.interpreter.modules?.includes('pip') ? '' : `no pip for ${PY}`;
if (noPip) console.warn(`Python dependency builds skipped: ${noPip}`);

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Timeout: 10
Resources:
  PyDeps:
    Type: AWS::Serverless::Function
    Properties: { FunctionName: py-deps, Runtime: ${PY}, Handler: app.handler, CodeUri: py-deps }
  PyBroken:
    Type: AWS::Serverless::Function
    Properties: { FunctionName: py-broken, Runtime: ${PY}, Handler: app.handler, CodeUri: py-broken }
  NodeDeps:
    Type: AWS::Serverless::Function
    Properties: { FunctionName: node-deps, Runtime: nodejs24.x, Handler: index.handler, CodeUri: node-deps }
  TsDeps:
    Type: AWS::Serverless::Function
    Properties: { FunctionName: ts-deps, Runtime: nodejs24.x, Handler: index.handler, CodeUri: ts-deps }
`;

const wheel = (value: string, version: string) => wheelOf('ephemera_testpkg', version, { 'ephemera_testpkg/__init__.py': `VALUE = ${JSON.stringify(value)}\n` });

describe.each(isolationLevels())('dependencies built like sam build (%s isolation)', (isolation) => {
  let project: Project;
  let em: TestEmulator;
  let cache: string;
  const log = capturingLogger();
  const sandboxed = isolation === 'namespace';

  beforeAll(async () => {
    cache = mkdtempSync(join(tmpdir(), 'ephemera-deps-cache-'));
    process.env.EPHEMERA_CACHE_DIR = cache;
    const v1 = wheel('from a wheel', '1.0.0');
    project = makeProject('deps', {
      'template.yaml': TEMPLATE,
      'py-deps/app.py': 'import ephemera_testpkg\ndef handler(event, context):\n    return {"value": ephemera_testpkg.VALUE, "file": ephemera_testpkg.__file__}\n',
      'py-deps/requirements.txt': `# what the function needs\n./wheels/${v1.filename}\n`,
      'py-broken/app.py': 'def handler(event, context):\n    return "ran"\n',
      'py-broken/requirements.txt': './wheels/not-there-1.0-py3-none-any.whl\n',
      'lib/package.json': JSON.stringify({ name: 'local-lib', version: '1.0.0', type: 'module', exports: './index.js' }),
      'lib/index.js': "export const greet = (n) => `hello ${n} from local-lib`;\n",
      'node-deps/package.json': JSON.stringify({ name: 'node-deps', type: 'module', dependencies: { 'local-lib': 'file:../lib', ms: '2.1.3' }, devDependencies: { 'not-installed-dev-only': '1.0.0' } }),
      'node-deps/index.js': "import { greet } from 'local-lib';\nimport ms from 'ms';\nexport const handler = async () => ({ greeting: greet('node'), day: ms('1d'), resolved: import.meta.resolve('local-lib') });\n",
      'ts-deps/package.json': JSON.stringify({ name: 'ts-deps', dependencies: { ms: '2.1.3' } }),
      'ts-deps/index.ts': "import ms from 'ms';\nexport const handler = async (): Promise<{ hour: number }> => ({ hour: ms('1h') });\n",
    });
    mkdirSync(project.path('py-deps/wheels'));
    writeFileSync(project.path('py-deps/wheels', v1.filename), v1.content);
    em = await startEmulator(project.path('template.yaml'), { isolation, watch: true }, { logger: log.logger });
  }, 240_000);
  afterAll(async () => {
    expect(await em?.stopChecked()).toEqual([]);
    project.remove();
    rmSync(cache, { recursive: true, force: true });
    delete process.env.EPHEMERA_CACHE_DIR;
  });

  it.skipIf(noPip !== '')('Python: requirements.txt installed with pip into the cache, part of /var/task in a sandbox', async () => {
    const res = await em.invoke('py-deps', {});
    expect(res.headers.get('x-amz-function-error'), res.body).toBeNull();
    const { value, file } = res.json() as { value: string; file: string };
    expect(value).toBe('from a wheel');
    const builds = readdirSync(join(cache, 'dependencies')).filter((d) => d.startsWith('python-'));
    expect(builds).toHaveLength(1);
    expect(file).toBe(sandboxed ? '/var/task/ephemera_testpkg/__init__.py' : join(cache, 'dependencies', builds[0], 'ephemera_testpkg/__init__.py'));
    expect(existsSync(join(project.path('py-deps'), 'ephemera_testpkg')), 'the code dir is not written to').toBe(false);
  });

  it('a failed install is one clear line, and the function runs without its dependencies', () => {
    const failed = log.messages.filter((m) => m.msg.includes('py-broken'));
    expect(failed.some((m) => m.level === 40 && /py-broken: pip install -r requirements\.txt failed, so it runs without its dependencies: exit 1: .*not-there/.test(m.msg))).toBe(true);
    return em.invoke('py-broken', {}).then((res) => expect(res.body).toBe('"ran"'));
  });

  it('Node: package.json dependencies (a local file: package, one from the npm registry) with npm install --omit=dev', async () => {
    const res = await em.invoke('node-deps', {});
    expect(res.headers.get('x-amz-function-error'), res.body).toBeNull();
    const seen = res.json() as { greeting: string; day: number; resolved: string };
    expect(seen).toMatchObject({ greeting: 'hello node from local-lib', day: 86_400_000 });
    expect(seen.resolved).toMatch(sandboxed ? /^file:\/\/\/var\/task\/node_modules\/local-lib\/index\.js$/ : /\/dependencies\/nodejs-[0-9a-f]+\/node_modules\/local-lib\/index\.js$/);
    expect(existsSync(project.path('node-deps/node_modules')), 'the code dir is not written to').toBe(false);
    const ts = await em.invoke('ts-deps', {});
    expect(ts.json()).toEqual({ hour: 3_600_000 });
  });

  it.skipIf(noPip !== '')('reused until the manifest changes; under --watch a changed requirements.txt is installed again', async () => {
    const installs = (): number => log.messages.filter((m) => m.msg.startsWith('py-deps: installing its dependencies')).length;
    expect(installs()).toBe(1);
    // Another emulator (a restart) finds the same content's build in the cache: nothing is installed.
    const again = capturingLogger();
    const config = em.eph.internals.registry.entry('py-deps')!.latest.fv.config;
    const dir = await new DependencyBuilds({ cacheDir: join(cache, 'dependencies'), runtimes: defaultRuntimes(), log: again.logger }).forFunction(config);
    expect(dir).toMatch(/\/dependencies\/python-[0-9a-f]+$/);
    expect(again.messages).toEqual([]);
    const v2 = wheel('from the new wheel', '2.0.0');
    writeFileSync(project.path('py-deps/wheels', v2.filename), v2.content);
    writeFileSync(project.path('py-deps/requirements.txt'), `./wheels/${v2.filename}\n`);
    await waitFor(() => installs() === 2, 20_000);
    const value = await waitFor(async () => {
      const v = (await em.invoke('py-deps', {})).json() as { value?: string };
      return v.value === 'from the new wheel' && v.value;
    }, 60_000, 200);
    expect(value).toBe('from the new wheel');
    expect(readdirSync(join(cache, 'dependencies')).filter((d) => d.startsWith('python-'))).toHaveLength(2);
  }, 90_000);
});
