// CLI flags and EPHEMERA_* variables.
import { describe, expect, it } from 'vitest';
import { DEFAULTS, DEFAULT_TEMPLATE, OptionsError, parseOptions } from '../../server/options.ts';

describe('parseOptions', () => {
  it('defaults to the example template on 127.0.0.1:3001', () => {
    const o = parseOptions([], {});
    expect(o).toEqual({ ...DEFAULTS, template: DEFAULT_TEMPLATE });
    expect(o.port).toBe(3001);
    expect(o.host).toBe('127.0.0.1');
    expect(o.keepAlive).toBe(300);
  });
  it('reads flags in both forms, flags over environment', () => {
    const o = parseOptions(['--port', '4000', '--host=0.0.0.0', '--isolation', 'process', '--keep-alive=5'], { EPHEMERA_PORT: '5000', EPHEMERA_REGION: 'eu-west-1' });
    expect(o.port).toBe(4000);
    expect(o.host).toBe('0.0.0.0');
    expect(o.isolation).toBe('process');
    expect(o.keepAlive).toBe(5);
    expect(o.region).toBe('eu-west-1');
  });
  it('reads EPHEMERA_KEEP_ALIVE style names', () => {
    expect(parseOptions([], { EPHEMERA_KEEP_ALIVE: '7', EPHEMERA_MAX_CONCURRENCY: '3' })).toMatchObject({ keepAlive: 7, maxConcurrency: 3 });
  });
  it('rejects bad input clearly', () => {
    expect(() => parseOptions(['--port', 'abc'], {})).toThrow(OptionsError);
    expect(() => parseOptions(['--port', 'abc'], {})).toThrow("--port needs a whole number, got 'abc'");
    expect(() => parseOptions(['--nope', '1'], {})).toThrow(/unknown option --nope/);
    expect(() => parseOptions(['--port'], {})).toThrow('--port needs a value');
    expect(() => parseOptions(['--isolation', 'vm'], {})).toThrow(/--isolation must be/);
    expect(() => parseOptions(['--account-id', '12'], {})).toThrow(/12 digits/);
    expect(() => parseOptions(['stray'], {})).toThrow(/unexpected argument 'stray'/);
    expect(() => parseOptions(['--port', '70000'], {})).toThrow(/at most 65535/);
  });
  it('points functions at the emulator by default; --sdk-endpoints=false or EPHEMERA_SDK_ENDPOINTS=false turns it off', () => {
    expect(parseOptions([], {}).sdkEndpoints).toBe(true);
    expect(parseOptions(['--sdk-endpoints=false'], {}).sdkEndpoints).toBe(false);
    expect(parseOptions([], { EPHEMERA_SDK_ENDPOINTS: 'false' }).sdkEndpoints).toBe(false);
  });
  it('fires schedules on time by default; --schedules off or EPHEMERA_SCHEDULES=off leaves them to POST .../fire', () => {
    expect(parseOptions([], {}).schedules).toBe('on');
    expect(parseOptions(['--schedules', 'off'], {}).schedules).toBe('off');
    expect(parseOptions([], { EPHEMERA_SCHEDULES: 'off' }).schedules).toBe('off');
    expect(() => parseOptions(['--schedules=maybe'], {})).toThrow(/--schedules must be on or off, got 'maybe'/);
  });
  it('--runtime-path and --endpoint-url add up, from flags (repeated or comma-separated) and EPHEMERA_ variables', () => {
    const o = parseOptions(['--runtime-path', 'nodejs22.x=/n22/bin/node', '--runtime-path=python=py/bin/python3', '--endpoint-url', 'dynamodb=http://localhost:8000,Secrets Manager=http://127.0.0.1:4566'],
      { EPHEMERA_ENDPOINT_URL: 's3=http://localhost:9000' }, [], '/proj');
    expect(o.runtimePaths).toEqual({ 'nodejs22.x': '/n22/bin/node', python: '/proj/py/bin/python3' });
    expect(o.endpointUrls).toEqual({ S3: 'http://localhost:9000', DYNAMODB: 'http://localhost:8000', SECRETS_MANAGER: 'http://127.0.0.1:4566' });
    expect(parseOptions(['--fetch-runtimes', '--strict-runtimes', '--build-dependencies=false'], {})).toMatchObject({ fetchRuntimes: true, strictRuntimes: true, buildDependencies: false });
    expect(() => parseOptions(['--runtime-path', 'java21=/x'], {})).toThrow(/--runtime-path: 'java21' is not a runtime/);
    expect(() => parseOptions(['--runtime-path', 'nodejs22.x'], {})).toThrow("--runtime-path takes <name>=<value>, got 'nodejs22.x'");
    expect(() => parseOptions(['--endpoint-url', 'dynamodb=localhost:8000'], {})).toThrow("--endpoint-url needs an http(s) URL, got 'localhost:8000'");
  });
});
