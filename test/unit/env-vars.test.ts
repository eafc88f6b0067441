// buildEnv: the exact environment a function gets, with and without layers, under process isolation
// (each host folder where Lambda's would be: the interpreter's install for /var/lang, each layer's
// folders on the search paths, later layers first) and namespace isolation (Lambda's own paths); only
// Node functions get NODE_PATH, only Python ones PYTHONPATH; the function's own variables never
// override the reserved ones.
import { describe, expect, it } from 'vitest';
import { buildEnv, type EnvVarInput, logStreamName } from '../../server/environment/env-vars.ts';
import type { FunctionConfig } from '../../server/model.ts';

function config(over: Partial<FunctionConfig> = {}): FunctionConfig {
  return {
    name: 'fn', logicalId: 'Fn', codeDir: '/code/fn', handler: 'index.handler', runtime: 'nodejs24.x',
    memorySize: 256, timeout: 3, environment: {}, ephemeralStorage: 512, description: '',
    architecture: 'x86_64', logFormat: 'Text', ...over,
  };
}

function env(fn: FunctionConfig, over: Partial<EnvVarInput> = {}): Record<string, string> {
  return buildEnv({
    fn, version: '$LATEST', region: 'eu-west-1', runtimeApi: '127.0.0.1:9001', taskRoot: '/code/fn',
    runtimeDir: '/rt', langDir: '/node24', initType: 'on-demand', logStreamName: '2026/01/02/[$LATEST]abc', ...over,
  });
}

const sandbox = { taskRoot: '/var/task', runtimeDir: '/var/runtime', langDir: '/var/lang' };
const LAYERS = ['/layers/one', '/layers/two'];

describe('buildEnv search paths', () => {
  it('namespace isolation: exactly Lambda’s PATH, LD_LIBRARY_PATH and NODE_PATH (layers merged at /opt)', () => {
    const e = env(config({ layers: LAYERS }), sandbox);
    expect(e.PATH).toBe('/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin');
    expect(e.LD_LIBRARY_PATH).toBe('/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib');
    expect(e.NODE_PATH).toBe('/opt/nodejs/node24/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task');
    expect(e.PYTHONPATH).toBeUndefined();
    const py = env(config({ layers: LAYERS, runtime: 'python3.13' }), sandbox);
    expect(py.PYTHONPATH).toBe('/var/runtime');
    expect(py.NODE_PATH).toBeUndefined();
    expect(py.PATH).toBe('/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin');
  });

  it('process isolation: the interpreter’s install stands for /var/lang, the host folders for /var/runtime and /var/task', () => {
    const e = env(config());
    expect(e.PATH).toBe('/node24/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin');
    expect(e.LD_LIBRARY_PATH).toBe('/node24/lib:/lib64:/usr/lib64:/rt:/rt/lib:/code/fn:/code/fn/lib:/opt/lib');
    expect(e.NODE_PATH).toBe('/opt/nodejs/node24/node_modules:/opt/nodejs/node_modules:/rt/node_modules:/rt:/code/fn');
    expect(env(config({ runtime: 'nodejs22.x' })).NODE_PATH).toBe(
      '/opt/nodejs/node22/node_modules:/opt/nodejs/node_modules:/rt/node_modules:/rt:/code/fn');
    // A provided runtime has no interpreter of ours: no /var/lang stand-in.
    const provided = env(config({ runtime: 'provided.al2023' }), { langDir: undefined });
    expect(provided.PATH).toBe('/usr/local/bin:/usr/bin/:/bin:/opt/bin');
    expect(provided.NODE_PATH).toBeUndefined();
    expect(provided.PYTHONPATH).toBeUndefined();
  });

  it('process isolation: each layer’s folders, later layers first, before the /opt entries', () => {
    const e = env(config({ layers: LAYERS, runtime: 'nodejs22.x' }));
    expect(e.NODE_PATH).toBe([
      '/layers/two/nodejs/node22/node_modules', '/layers/two/nodejs/node_modules',
      '/layers/one/nodejs/node22/node_modules', '/layers/one/nodejs/node_modules',
      '/opt/nodejs/node22/node_modules', '/opt/nodejs/node_modules', '/rt/node_modules', '/rt', '/code/fn',
    ].join(':'));
    expect(e.PATH).toBe('/node24/bin:/usr/local/bin:/usr/bin/:/bin:/layers/two/bin:/layers/one/bin:/opt/bin');
    expect(e.LD_LIBRARY_PATH).toBe('/node24/lib:/lib64:/usr/lib64:/rt:/rt/lib:/code/fn:/code/fn/lib:/layers/two/lib:/layers/one/lib:/opt/lib');
    expect(e.PYTHONPATH).toBeUndefined();
  });

  it('process isolation, Python: python/ and python/lib/pythonX.Y/site-packages of each layer', () => {
    const e = env(config({ layers: LAYERS, runtime: 'python3.12', handler: 'app.handler' }), { langDir: '/usr' });
    expect(e.PYTHONPATH).toBe([
      '/layers/two/python', '/layers/two/python/lib/python3.12/site-packages',
      '/layers/one/python', '/layers/one/python/lib/python3.12/site-packages', '/rt',
    ].join(':'));
    expect(env(config({ layers: ['/l'], runtime: 'python3.9' })).PYTHONPATH).toBe('/l/python:/l/python/lib/python3.9/site-packages:/rt');
    expect(e.PATH).toBe('/usr/bin:/usr/local/bin:/usr/bin/:/bin:/layers/two/bin:/layers/one/bin:/opt/bin');
    expect(e.NODE_PATH).toBeUndefined();
  });
});

describe('buildEnv variables', () => {
  it('sets the reserved variables and Lambda’s defaults', () => {
    const e = env(config({ layers: LAYERS }));
    expect(e).toMatchObject({
      _HANDLER: 'index.handler', AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_LAMBDA_FUNCTION_NAME: 'fn', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256', AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand', AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/fn',
      AWS_LAMBDA_LOG_STREAM_NAME: '2026/01/02/[$LATEST]abc', AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
      LAMBDA_TASK_ROOT: '/code/fn', LAMBDA_RUNTIME_DIR: '/rt', AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      TZ: ':UTC', LANG: 'en_US.UTF-8', PWD: '/code/fn', SHLVL: '0',
      AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR', AWS_XRAY_DAEMON_ADDRESS: '169.254.100.1:2000',
    });
    // Not Lambda's: Python sets LC_CTYPE itself when the locale is C (as it does there).
    expect(e.LC_CTYPE).toBeUndefined();
    expect(e.AWS_LAMBDA_LOG_FORMAT).toBeUndefined();
    expect(e.TMPDIR).toBeUndefined();
    expect(env(config({ runtime: 'provided.al2023' })).AWS_EXECUTION_ENV).toBeUndefined();
    expect(env(config({ logFormat: 'JSON' }), { tmpDir: '/tmp/env-1' })).toMatchObject({ AWS_LAMBDA_LOG_FORMAT: 'JSON', TMPDIR: '/tmp/env-1' });
  });

  it('lets the function override defaults (PATH, NODE_PATH...) but never the reserved variables', () => {
    const own = {
      PATH: '/mine/bin', NODE_PATH: '/mine/node_modules', TZ: 'Europe/Paris', MY_VAR: 'x',
      AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'us-west-2', _HANDLER: 'other.handler', AWS_LAMBDA_FUNCTION_NAME: 'evil',
      AWS_ACCESS_KEY_ID: 'AKIAREAL', AWS_SECRET_ACCESS_KEY: 'real', AWS_SESSION_TOKEN: 'real', LAMBDA_TASK_ROOT: '/elsewhere',
      AWS_LAMBDA_RUNTIME_API: 'evil:1', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '10240',
    };
    const e = env(config({ environment: own, layers: LAYERS }), { extra: { FROM_CLI: 'y', TZ: ':UTC' } });
    expect(e).toMatchObject({ PATH: '/mine/bin', NODE_PATH: '/mine/node_modules', TZ: 'Europe/Paris', MY_VAR: 'x', FROM_CLI: 'y' });
    expect(e).toMatchObject({
      AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1', _HANDLER: 'index.handler', AWS_LAMBDA_FUNCTION_NAME: 'fn',
      AWS_ACCESS_KEY_ID: 'AKIAEPHEMERALOCAL000', AWS_SECRET_ACCESS_KEY: 'ephemera-local-secret-access-key',
      AWS_SESSION_TOKEN: 'ephemera-local-session-token', LAMBDA_TASK_ROOT: '/code/fn', AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    });
    // The emulator's own environment never leaks in.
    expect(e.HOME).toBeUndefined();
  });

  it('names the log stream like Lambda', () => {
    expect(logStreamName('$LATEST', '0123456789abcdef0123456789abcdef', new Date('2026-11-24T10:00:00Z')))
      .toBe('2026/11/24/[$LATEST]0123456789abcdef0123456789abcdef');
  });
});
