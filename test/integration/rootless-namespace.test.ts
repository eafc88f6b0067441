// Namespace isolation without root: the emulator started as an ordinary user (nobody, through setpriv)
// makes each sandbox in a user namespace of its own. The function gets its own /tmp, PID namespace and
// /var/task; it cannot read another environment's /tmp nor the emulator's environment; freezing and
// SIGTERM work as with root. Where /var/task, /var/runtime and /var/lang do not exist (a developer's
// machine: only root can make them), the sandbox makes them on a tmpfs /var with the host's entries
// bound back: shown in a private mount namespace whose /var lacks them. Runs only as root (to become
// another user) where unprivileged user namespaces work.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, killStarted, startCli, stopCli } from '../helpers/cli-server.ts';
import { descendants, fixture, procState, waitFor } from '../helpers/emulator.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const TEMPLATE = fixture('templates/containment.yaml');
const AS_NOBODY = ['setpriv', '--reuid', '65534', '--regid', '65534', '--clear-groups', '--'];

function unavailable(): string {
  if (process.getuid?.() !== 0) return 'not root: cannot start the emulator as another user';
  const userns = spawnSync(AS_NOBODY[0], [...AS_NOBODY.slice(1), 'unshare', '--user', '--map-root-user', '--mount', '--pid', '--fork', 'true'], { timeout: 10_000 });
  if (userns.status !== 0) return `no unprivileged user namespaces here (${String(userns.stderr).trim() || `exit ${userns.status}`})`;
  const read = spawnSync(AS_NOBODY[0], [...AS_NOBODY.slice(1), 'test', '-r', join(ROOT, 'server/main.ts')], { timeout: 10_000 });
  if (read.status !== 0) return `user nobody cannot read ${ROOT}`;
  return '';
}
const skip = unavailable();
if (skip) console.warn(`rootless namespace isolation tests skipped: ${skip}`);

describe.skipIf(skip !== '')('namespace isolation without root (user namespaces)', { timeout: 60_000 }, () => {
  let home: string;
  const secret = `s3cret-${randomBytes(6).toString('hex')}`;
  const file = `rootless-${randomBytes(6).toString('hex')}`;

  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'ephemera-rootless-home-'));
    chmodSync(home, 0o777);
  });
  afterEach(killStarted);
  afterAll(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(join('/tmp', file), { force: true });
  });

  /** `ephemera start` as nobody, optionally behind `prefix` (run as root first). */
  const start = (prefix: string[] = []): Promise<CliServer> => {
    const argv = [...prefix, ...AS_NOBODY, process.execPath, join(ROOT, 'server/main.ts'), 'start', '--template', TEMPLATE, '--port', '0', '--isolation', 'namespace'];
    return startCli(argv[0], argv.slice(1), { cwd: ROOT, env: { HOME: home, SNOOP_TEST_SECRET: secret } });
  };
  const invoke = async (cli: CliServer, fn: string, event: unknown): Promise<Record<string, any>> =>
    (await (await fetch(`${cli.local}/2015-03-31/functions/${fn}/invocations`, { method: 'POST', body: JSON.stringify(event) })).json()) as Record<string, any>;
  const environments = async (cli: CliServer): Promise<Array<{ pid: number; function: string }>> =>
    ((await (await fetch(`${cli.local}/_ephemera/environments`)).json()) as { environments: Array<{ pid: number; function: string }> }).environments;

  it("gives each environment its own /tmp and PID namespace: no other environment's /tmp, no emulator environment; frozen when idle; SIGTERM ends everything", async () => {
    const cli = await start();
    const health = (await (await fetch(`${cli.local}/_ephemera/health`)).json()) as { isolation: string; isolationReason: string };
    expect(health.isolation).toBe('namespace');
    expect(health.isolationReason).toContain('user namespace (rootless)');
    expect(await invoke(cli, 'snoop-writer', { write: secret, file })).toEqual({ wrote: true });
    const [writer] = await environments(cli);
    const writerPids = [writer.pid, ...descendants(writer.pid)];
    const seen = await invoke(cli, 'snoop', { pids: [cli.child.pid, ...writerPids], secret, file });
    expect(seen).toMatchObject({ found: [], unmounted: false });
    expect(seen.visible).not.toContain(cli.child.pid);
    expect(seen.visible.every((p: number) => p < 100)).toBe(true);
    // Another environment's /tmp is not the host's either.
    writeFileSync(join('/tmp', file), 'the host /tmp');
    expect(await invoke(cli, 'snoop', { pids: [], secret: 'the host /tmp', file })).toMatchObject({ found: [] });
    // Idle environments are frozen by the (unprivileged) emulator: every process of the sandbox but
    // unshare, the emulator's own child, which is never stopped (its SIGCHLD would wake the emulator).
    await waitFor(() => writerPids.slice(1).every((p) => procState(p) === 'T'), 5000);
    expect(procState(writer.pid)).not.toBe('T');
    const { code, orphans, pids } = await stopCli(cli);
    expect(code).toBe(0);
    expect(pids.length).toBeGreaterThan(0);
    expect(orphans).toEqual([]);
  });

  it('makes /var/task, /var/runtime and /var/lang on a tmpfs /var where they do not exist, the host\'s /var entries bound back', async () => {
    // A private mount namespace (root) whose /var has only lib/ and a run -> /run symlink, as nobody sees it.
    const sh = 'mount -t tmpfs -o mode=755 ephemera-test-var /var && mkdir /var/lib && echo here > /var/lib/marker && ln -s /run /var/run && exec "$@"';
    const cli = await start(['unshare', '--mount', '--propagation', 'private', 'sh', '-c', sh, 'ephemera-test-var']);
    const health = (await (await fetch(`${cli.local}/_ephemera/health`)).json()) as { isolation: string };
    expect(health.isolation).toBe('namespace');
    const seen = await invoke(cli, 'snoop', { pids: [], secret, file, listVar: true });
    expect(seen.found).toEqual([]);
    expect(seen.var).toEqual({ entries: ['lang', 'lib', 'run', 'runtime', 'task'], marker: 'here\n', run: '/run', task: ['index.mjs'] });
    const { code, orphans } = await stopCli(cli);
    expect(code).toBe(0);
    expect(orphans).toEqual([]);
  });
});
