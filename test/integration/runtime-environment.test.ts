// What a function sees, with real worker processes under each isolation level this machine offers:
// Lambda's process environment (PATH, LD_LIBRARY_PATH, NODE_PATH for Node only, PYTHONPATH for Python
// only, nothing of the emulator's), the interpreter at /var/lang in a namespace sandbox, the AWS SDK
// for JavaScript that Lambda's runtime provides (import and require; the function's own copy first,
// then the project's, then ephemera's; a clear INIT error naming the package when none has it), and
// AWS_LAMBDA_EXEC_WRAPPER run as Lambda's bootstrap runs it (a real wrapper script; a missing one is
// Runtime.ExitError with exit status 127).
import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRuntimes, knowsDisableSigusr1 } from '../../server/environment/runtimes.ts';
import { ROOT, startEmulator, type TestEmulator, isolationLevels } from '../helpers/emulator.ts';
import { type Project, makeProject } from '../helpers/project.ts';

const python = defaultRuntimes().resolve('python3.11');
const PY = 'interpreter' in python ? `python${python.interpreter.version.split('.').slice(0, 2).join('.')}` : 'python3.11';
const noBoto3 = 'interpreter' in python && python.interpreter.modules?.includes('boto3') ? '' : `no boto3 for ${PY} (apt install python3-boto3)`;
if (noBoto3) console.warn(`boto3 tests skipped: ${noBoto3}`);

const fn = (name: string, props: Record<string, string | Record<string, string>>): string => [
  `  ${name}:`,
  '    Type: AWS::Serverless::Function',
  '    Properties:',
  `      FunctionName: ${name}`,
  ...Object.entries(props).map(([k, v]) => (typeof v === 'string' ? `      ${k}: ${v}` : `      ${k}:\n        Variables:\n${Object.entries(v).map(([a, b]) => `          ${a}: ${b}`).join('\n')}`)),
].join('\n');

const TEMPLATE = [
  "AWSTemplateFormatVersion: '2010-09-09'",
  'Transform: AWS::Serverless-2016-10-31',
  'Globals:\n  Function:\n    Timeout: 10\n    MemorySize: 256',
  'Resources:',
  fn('env-node', { Runtime: 'nodejs24.x', Handler: 'index.handler', CodeUri: 'env-node' }),
  fn('env-python', { Runtime: PY, Handler: 'app.handler', CodeUri: 'env-python' }),
  fn('sdk-esm', { Runtime: 'nodejs24.x', Handler: 'index.handler', CodeUri: 'sdk-esm' }),
  fn('sdk-cjs', { Runtime: 'nodejs24.x', Handler: 'index.handler', CodeUri: 'sdk-cjs' }),
  fn('sdk-own', { Runtime: 'nodejs24.x', Handler: 'index.handler', CodeUri: 'sdk-own' }),
  // Lambda Managed Instances: the handler runs in a worker thread, whose module resolution is its own.
  fn('sdk-managed', {
    Runtime: 'nodejs24.x', Handler: 'index.handler', CodeUri: 'sdk-esm', MemorySize: '2048', Environment: { AWS_LAMBDA_NODEJS_WORKER_COUNT: "'1'" },
    CapacityProviderConfig: '{ Arn: "arn:aws:lambda:us-east-1:123456789012:capacity-provider:local", PerExecutionEnvironmentMaxConcurrency: 2 }',
  }),
  fn('sdk-project', { Runtime: 'nodejs24.x', Handler: 'index.handler', CodeUri: 'sdk-project' }),
  fn('sdk-missing', { Runtime: 'nodejs24.x', Handler: 'index.handler', CodeUri: 'sdk-missing' }),
  fn('sdk-missing-cjs', { Runtime: 'nodejs24.x', Handler: 'index.handler', CodeUri: 'sdk-missing-cjs' }),
  fn('wrapped-node', { Runtime: 'nodejs24.x', Handler: 'index.handler', CodeUri: 'wrapped-node', Environment: { AWS_LAMBDA_EXEC_WRAPPER: '/var/task/wrap.sh' } }),
  fn('wrapped-python', { Runtime: PY, Handler: 'app.handler', CodeUri: 'env-python', Layers: '[!Ref WrapperLayer]', Environment: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/wrap.sh' } }),
  fn('wrapper-missing', { Runtime: 'nodejs24.x', Handler: 'index.handler', CodeUri: 'env-node', Environment: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/no-such-wrapper' } }),
  fn('boto3-python', { Runtime: PY, Handler: 'app.handler', CodeUri: 'boto3-python' }),
  // --runtime-path python3.10 names a venv without boto3 (made from the same Python).
  fn('boto3-missing', { Runtime: 'python3.10', Handler: 'app.handler', CodeUri: 'boto3-python' }),
  '  WrapperLayer:\n    Type: AWS::Serverless::LayerVersion\n    Properties:\n      ContentUri: wrapper',
].join('\n');

const ENV_NODE = "export const handler = async () => ({ env: { ...process.env }, execPath: process.execPath, execArgv: process.execArgv, argv: process.argv.slice(1), node: process.versions.node });\n";
const ENV_PYTHON = 'import os, sys\ndef handler(event, context):\n    return {"env": dict(os.environ), "executable": sys.executable, "argv": sys.argv}\n';
const SDK_ESM = "import { SQSClient } from '@aws-sdk/client-sqs';\nexport const handler = async () => ({ client: typeof SQSClient, resolved: import.meta.resolve('@aws-sdk/client-sqs') });\n";
const SDK_CJS = "const { SQSClient } = require('@aws-sdk/client-sqs');\nexports.handler = async () => ({ client: typeof SQSClient, resolved: require.resolve('@aws-sdk/client-sqs') });\n";
const fakeSdk = (marker: string): Record<string, string> => ({
  'package.json': JSON.stringify({ name: '@aws-sdk/client-kinesis', version: '0.0.0', main: 'index.js' }),
  'index.js': `exports.marker = ${JSON.stringify(marker)};\n`,
});
const prefixed = (prefix: string, files: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(files).map(([k, v]) => [`${prefix}/${k}`, v]));
// Sets a variable and records its arguments, then runs the runtime's command line, as Lambda's wrapper examples do.
const WRAPPER = '#!/bin/sh\nexport WRAPPED_BY=wrap.sh\nexport WRAPPER_ARGS="$*"\nexec "$@"\n';

describe.each(isolationLevels())('what a function sees (%s isolation)', (isolation) => {
  let project: Project;
  let em: TestEmulator;
  const sandboxed = isolation === 'namespace';
  const call = async (name: string): Promise<Record<string, unknown>> => {
    const res = await em.invoke(name, {});
    expect(res.headers.get('x-amz-function-error'), res.body).toBeNull();
    return res.json() as Record<string, unknown>;
  };

  beforeAll(async () => {
    // Not under /tmp: a namespace sandbox has its own /tmp, where the project's node_modules would be out of sight.
    project = makeProject('runtime-env', {
      'template.yaml': TEMPLATE,
      'env-node/index.mjs': ENV_NODE,
      'env-python/app.py': ENV_PYTHON,
      'sdk-esm/index.mjs': SDK_ESM,
      'sdk-cjs/index.cjs': SDK_CJS,
      'sdk-own/index.mjs': SDK_ESM,
      ...prefixed('sdk-own/node_modules/@aws-sdk/client-sqs', { 'package.json': JSON.stringify({ name: '@aws-sdk/client-sqs', version: '0.0.1', main: 'own.js' }), 'own.js': 'exports.SQSClient = "own";\n' }),
      'sdk-project/index.mjs': "import { marker } from '@aws-sdk/client-kinesis';\nexport const handler = async () => ({ marker, resolved: import.meta.resolve('@aws-sdk/client-kinesis') });\n",
      ...prefixed('node_modules/@aws-sdk/client-kinesis', fakeSdk('project')),
      'sdk-missing/index.mjs': "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const handler = async () => typeof DynamoDBClient;\n",
      'sdk-missing-cjs/index.js': "const { DynamoDBClient } = require('@aws-sdk/client-dynamodb/dist-cjs/index.js');\nexports.handler = async () => typeof DynamoDBClient;\n",
      'wrapped-node/index.mjs': ENV_NODE,
      'boto3-python/app.py': 'import boto3, botocore\ndef handler(event, context):\n    return {"boto3": boto3.__version__, "file": boto3.__file__}\n',
    }, { 'wrapper/wrap.sh': WRAPPER, 'wrapped-node/wrap.sh': WRAPPER });
    execFileSync('/usr/bin/python3', ['-m', 'venv', '--without-pip', project.path('venv')]);
    em = await startEmulator(project.path('template.yaml'), { isolation, runtimePaths: { 'python3.10': project.path('venv/bin/python3') } });
  });
  afterAll(async () => {
    expect(await em.stopChecked()).toEqual([]);
    project.remove();
  });

  it("Node: Lambda's PATH, LD_LIBRARY_PATH and NODE_PATH, no PYTHONPATH, nothing of the emulator's", async () => {
    const { env, execPath, execArgv, node } = await call('env-node') as { env: Record<string, string>; execPath: string; execArgv: string[]; node: string };
    if (sandboxed) {
      expect(env.PATH).toBe('/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin');
      expect(env.LD_LIBRARY_PATH).toBe('/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib');
      expect(env.NODE_PATH).toBe('/opt/nodejs/node24/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task');
      expect(execPath).toBe('/var/lang/bin/node');
    } else {
      expect(env.PATH.split(':').slice(1)).toEqual(['/usr/local/bin', '/usr/bin/', '/bin', '/opt/bin']);
      expect(env.PATH.split(':')[0]).toBe(`${execPath.replace(/\/node$/, '')}`);
    }
    // Lambda's bootstrap command line; the heap sized by MemorySize (256 MB) where the memory limit is applied.
    const heap = isolation === 'cgroup';
    // ephemera's own: fewer threads to stop and continue at each freeze (runtimes.ts).
    const threads = ['--v8-pool-size=1', ...(knowsDisableSigusr1(node) ? ['--disable-sigusr1'] : [])];
    expect(execArgv).toEqual(heap ? ['--expose-gc', '--max-http-header-size', '81920', ...threads, '--max-semi-space-size=12', '--max-old-space-size=231'] : ['--max-http-header-size', '81920', ...threads]);
    for (const name of ['PYTHONPATH', 'LC_CTYPE', 'OLDPWD', 'HOME', 'USER', 'NODE_OPTIONS', 'EPHEMERA_CACHE_DIR']) expect(env[name], name).toBeUndefined();
    expect(Object.keys(env).filter((k) => /EPHEMERA/i.test(k))).toEqual([]);
    expect(env).toMatchObject({ LANG: 'en_US.UTF-8', TZ: ':UTC', SHLVL: '0', AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x' });
  });

  it("Python: PYTHONPATH=/var/runtime, no NODE_PATH, the interpreter at /var/lang in a sandbox", async () => {
    const { env, executable } = await call('env-python') as { env: Record<string, string>; executable: string };
    expect(env.NODE_PATH).toBeUndefined();
    expect(env.OLDPWD).toBeUndefined();
    expect(Object.keys(env).filter((k) => /EPHEMERA/i.test(k))).toEqual([]);
    if (sandboxed) {
      expect(env.PYTHONPATH).toBe('/var/runtime');
      expect(env.PATH).toBe('/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin');
      expect(executable).toMatch(/^\/var\/lang\/bin\/python3/);
    } else {
      expect(env.PYTHONPATH).toBe(`${ROOT}runtime-api/bootstrap/python`);
    }
  });

  it("import and require find the SDK Lambda's runtime provides (here: ephemera's own, as the project has none), in a managed instance's worker thread too", async () => {
    for (const name of ['sdk-esm', 'sdk-cjs', 'sdk-managed']) {
      const seen = await call(name) as { client: string; resolved: string };
      expect(seen.client, name).toBe('function');
      expect(seen.resolved.replace(/^file:\/\//, ''), name).toContain(`${realpathSync(join(ROOT, 'node_modules'))}/@aws-sdk/client-sqs/`);
    }
  });

  it("the function's own copy comes first, then the project's (the template's folder and up)", async () => {
    const own = await call('sdk-own') as { client: string; resolved: string };
    expect(own.client).toBe('string');
    expect(own.resolved).toBe(`file://${sandboxed ? '/var/task' : project.path('sdk-own')}/node_modules/@aws-sdk/client-sqs/own.js`);
    const fromProject = await call('sdk-project') as { marker: string; resolved: string };
    expect(fromProject.marker).toBe('project');
    expect(fromProject.resolved).toBe(`file://${project.path('node_modules/@aws-sdk/client-kinesis/index.js')}`);
  });

  it('an SDK package found nowhere fails INIT with an error naming it and how to provide it', async () => {
    for (const name of ['sdk-missing', 'sdk-missing-cjs']) {
      const res = await em.invoke(name, {});
      expect(res.headers.get('x-amz-function-error'), name).toBe('Unhandled');
      const body = res.json() as { errorType: string; errorMessage: string };
      expect(body.errorMessage, name).toMatch(/Cannot find (package|module) '@aws-sdk\/client-dynamodb/);
      expect(body.errorMessage, name).toContain("Lambda's Node.js runtime includes the AWS SDK for JavaScript v3");
      expect(body.errorMessage, name).toContain('npm i -D @aws-sdk/client-dynamodb');
      expect(body.errorType, name).toBe(name === 'sdk-missing' ? 'Error' : 'Runtime.ImportModuleError');
    }
  });

  it('AWS_LAMBDA_EXEC_WRAPPER: the wrapper runs with the runtime\'s command line and starts it (Node, and Python from a layer)', async () => {
    const node = await call('wrapped-node') as { env: Record<string, string>; execArgv: string[] };
    expect(node.env.WRAPPED_BY).toBe('wrap.sh');
    const lang = sandboxed ? '/var/lang' : undefined;
    expect(node.env.WRAPPER_ARGS).toMatch(new RegExp(`^${lang ? `${lang}/bin/node` : '\\S+/node'} (--expose-gc )?--max-http-header-size 81920 .*${sandboxed ? '/var/runtime' : `${ROOT}runtime-api/bootstrap/nodejs`}/index\\.mjs$`));
    const py = await call('wrapped-python') as { env: Record<string, string> };
    expect(py.env.WRAPPED_BY).toBe('wrap.sh');
    expect(py.env.WRAPPER_ARGS).toMatch(/python3\S* -u -B \S*bootstrap\.py$/);
  });

  it('a missing wrapper: Runtime.ExitError with exit status 127, in the answer and the logs, as on Lambda', async () => {
    const res = await em.invoke('wrapper-missing', {}, { headers: { 'X-Amz-Log-Type': 'Tail' } });
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    const body = res.json() as { errorType: string; errorMessage: string };
    expect(body.errorType).toBe('Runtime.ExitError');
    expect(body.errorMessage).toMatch(/Error: Runtime exited with error: exit status 127$/);
    const tail = Buffer.from(res.headers.get('x-amz-log-result') ?? '', 'base64').toString();
    expect(tail).toContain('/opt/no-such-wrapper: does not exist');
    expect(tail).toMatch(/INIT_REPORT .*Status: error\tError Type: Runtime.ExitError/);
  });

  it.skipIf(noBoto3 !== '')("Python: boto3 is the chosen interpreter's", async () => {
    const seen = await call('boto3-python') as { boto3: string; file: string };
    expect(seen.boto3).toMatch(/^\d+\.\d+\.\d+/);
    if (sandboxed) expect(seen.file).toMatch(/^\/var\/lang\//);
  });

  it('Python without boto3: the INIT error names it and how to provide it', async () => {
    const res = await em.invoke('boto3-missing', {});
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    const body = res.json() as { errorType: string; errorMessage: string };
    expect(body.errorType).toBe('Runtime.ImportModuleError');
    expect(body.errorMessage).toMatch(/^Unable to import module 'app': No module named 'boto3' \(Lambda's Python runtime includes the AWS SDK for Python; ephemera provides the one the interpreter has, and \S+python3 \(Python 3\.\d+\.\d+\) has no boto3: install it for that interpreter with `\S+ -m pip install boto3`, or add boto3 to the function's requirements\.txt\)$/);
  });
});
