// examples/docker-compose.yml without Docker: ephemera started with the image's ENTRYPOINT and ENV
// (Dockerfile) and the compose service's command, the compose file's paths mapped onto the repository;
// then the example app's own integration tests (node --test, AWS SDK v3 for Lambda, SQS and Kinesis)
// run against it with the test service's environment, as `docker compose up` would run them.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/emulator.ts';
import { cleanEnv, killStarted, startCli, stopCli } from '../helpers/cli-server.ts';
import { entrypoint, execForm, imageEnv } from '../helpers/dockerfile.ts';

interface Service { command?: string[]; environment?: Record<string, string>; volumes?: string[] }
const compose = parse(readFileSync(join(ROOT, 'examples/docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };
const EXAMPLES = join(ROOT, 'examples');

/** A container path under one of the service's bind mounts, as a path in the repository. */
function hostPath(service: Service, path: string): string {
  for (const volume of service.volumes ?? []) {
    const [source, target] = volume.split(':');
    if (source.startsWith('.') && (path === target || path.startsWith(`${target}/`))) return join(EXAMPLES, source, path.slice(target.length));
  }
  return path;
}

afterEach(killStarted);

describe('the docker compose example', () => {
  it("runs the app's integration tests against ephemera started as the compose service", async () => {
    const service = compose.services.ephemera;
    const tests = compose.services.tests;
    const [command, ...args] = [...entrypoint(), ...service.command!].map((a) => (a.startsWith('/opt/ephemera/') ? join(ROOT, a.slice('/opt/ephemera/'.length)) : hostPath(service, a)));
    expect(args).toContain(join(EXAMPLES, 'compose/template.yaml'));

    const server = await startCli(command, args, { cwd: ROOT, env: { ...imageEnv(), ...service.environment, EPHEMERA_PORT: '0' } });
    const health = (await (await fetch(`${server.local}/_ephemera/health`)).json()) as { functions: number };
    expect(health.functions).toBe(4);

    // The test service's command ends in `npm test`, which is `node --test` (the SDK clients resolve
    // from the repository's node_modules here; the service installs them with npm install).
    expect(tests.command!.join(' ')).toMatch(/npm test$/);
    const pkg = JSON.parse(readFileSync(join(EXAMPLES, 'compose/package.json'), 'utf8')) as { scripts: { test: string } };
    expect(pkg.scripts.test).toBe('node --test');
    const env = { ...tests.environment, AWS_ENDPOINT_URL: server.local };
    const run = spawn(process.execPath, ['--test', '--test-reporter=spec'], { cwd: join(EXAMPLES, 'compose'), env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    run.stdout.on('data', (d: Buffer) => (output += d.toString()));
    run.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => run.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((r) => run.once('exit', r));
    clearTimeout(timer);
    expect(output, output).toMatch(/ℹ pass 4\b/);
    expect(code, output).toBe(0);

    const stopped = await stopCli(server);
    expect(stopped.code).toBe(0);
    expect(stopped.orphans).toEqual([]);
    expect(stopped.pids.length).toBeGreaterThan(0);
  }, 90_000);
});
