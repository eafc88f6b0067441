// examples/docker-compose.yml through podman-compose, as a user runs it: compose builds the ephemera
// service from the repository's Dockerfile (the layers the script just built make that quick), starts
// it with the example's template, and the `tests` service runs the example app's own tests against it.
// A small override file adds only what this host needs (the image tag, the CA bundle npm needs behind
// a TLS-inspecting proxy); the host's podman quirks go in as podman-compose's podman arguments.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { run } from '../../scripts/image/exec.ts';
import { ROOT } from '../helpers/emulator.ts';
import { COMPOSE_PROJECT as PROJECT } from '../../scripts/image/podman.ts';
import { notPrepared, podman } from './harness.ts';

const composeMissing = (await run(['podman-compose', 'version'], { timeoutMs: 30_000 })).code !== 0;
const hostNetwork = !notPrepared && podman().quirks.network === 'host';

function override(): object {
  const { caFile } = podman().quirks;
  const ca = caFile
    ? { volumes: [`${caFile}:/etc/ssl/certs/host-ca-bundle.crt:ro`], environment: { NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/host-ca-bundle.crt' } }
    : {};
  return { services: { ephemera: { image: podman().image }, tests: ca } };
}

describe.skipIf(notPrepared || composeMissing || hostNetwork)('the docker compose example through podman-compose', () => {
  it("builds the ephemera service and passes the example app's tests against it", async () => {
    const p = podman();
    const app = join(ROOT, 'examples/compose');
    const before = readdirSync(app, { recursive: true });
    const dir = mkdtempSync(join(tmpdir(), 'ephemera-compose-'));
    const file = join(dir, 'host-override.yml');
    writeFileSync(file, stringify(override()));
    const compose = (args: string[], timeoutMs: number): ReturnType<typeof run> => run([
      'podman-compose', '-p', PROJECT, '-f', join(ROOT, 'examples/docker-compose.yml'), '-f', file,
      ...(p.quirks.global.length ? ['--podman-args', p.quirks.global.join(' ')] : []),
      ...(p.quirks.ulimits.length ? ['--podman-run-args', p.quirks.ulimits.join(' ')] : []),
      ...args,
    ], { timeoutMs });
    try {
      const secret = p.quirks.caFile ? ` --secret id=ca,src=${p.quirks.caFile}` : '';
      const build = await compose(['--podman-build-args', `--format docker --pull=never ${p.quirks.ulimits.join(' ')}${secret}`, 'build', 'ephemera'], 600_000);
      expect(build.code, build.stdout + build.stderr).toBe(0);

      const up = await compose(['up', '--exit-code-from', 'tests'], 300_000);
      const output = up.stdout + up.stderr;
      expect(output).toMatch(/ℹ pass 4\b/);
      expect(output).toMatch(/ℹ fail 0\b/);
      expect(up.code, output).toBe(0);

      // The image compose ran keeps its HEALTHCHECK, and it passes in the running service.
      const service = `${PROJECT}_ephemera_1`;
      expect(await p.must(['inspect', '--format', '{{json .Config.Healthcheck.Test}}', service])).toMatch(/_ephemera\/health/);
      expect((await p.run(['healthcheck', 'run', service])).code).toBe(0);
    } finally {
      const down = await compose(['down', '-v'], 120_000);
      rmSync(dir, { recursive: true, force: true });
      expect(down.code, down.stderr).toBe(0);
      // podman-compose 1.0 leaves the project's network.
      const networks = await p.must(['network', 'ls', '--quiet', '--filter', `label=io.podman.compose.project=${PROJECT}`]);
      if (networks) await p.must(['network', 'rm', ...networks.split('\n')]);
    }
    const left = await p.must(['ps', '-a', '--filter', `label=io.podman.compose.project=${PROJECT}`, '--format', '{{.Names}}']);
    expect(left).toBe('');
    // The tests service installed the app's dependencies without writing into the checkout.
    expect(readdirSync(app, { recursive: true })).toEqual(before);
  }, 900_000);
});
