// Containment (docs/isolation.md) with real processes: daemons (setsid + double fork, from Node and
// Python) are named by the leak report, frozen with their environment and killed with it at
// shutdown and on the emulator's SIGTERM and SIGKILL (the PID namespace, or process isolation's
// watchdog); a SIGKILLed emulator's TMPDIRs go at the next start-up. Under namespace isolation a
// function cannot read another environment's /tmp or the emulator's environment; a runtime killed
// by a signal is reported as such.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readStat } from '../../server/environment/proc-fs.ts';
import { type CliServer, killStarted, startCli } from '../helpers/cli-server.ts';
import {
  ROOT, descendants, fixture, isAlive, isolationLevels, procState, startEmulator, type TestEmulator, waitFor,
} from '../helpers/emulator.ts';

const TEMPLATE = fixture('templates/containment.yaml');

/** Host pids of the running processes whose environment carries DAEMON_TOKEN=<token>. */
function daemonsOf(token: string): number[] {
  const mark = `DAEMON_TOKEN=${token}`;
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(mark) && isAlive(pid);
    } catch {
      return false;
    }
  });
}

const gone = (token: string): Promise<true> => waitFor(() => daemonsOf(token).length === 0, 5000);
/** Every token handed out: whatever a failed test left behind is killed (and reported) at the end. */
const tokens: string[] = [];
const newToken = (): string => {
  tokens.push(randomBytes(8).toString('hex'));
  return tokens.at(-1)!;
};

afterEach(killStarted);
afterAll(() => {
  const left = tokens.flatMap(daemonsOf);
  for (const pid of left) process.kill(pid, 'SIGKILL');
  expect(left).toEqual([]);
});

for (const isolation of isolationLevels()) {
  describe(`daemons and signals (${isolation} isolation)`, () => {
    let em: TestEmulator;
    beforeAll(async () => {
      em = await startEmulator(TEMPLATE, { isolation });
    });
    afterAll(async () => {
      expect(await em.stopChecked()).toEqual([]);
    });

    it('names the grandchild daemons in the leak report, freezes them, and shutdown ends them', async () => {
      const token = newToken();
      const res = await em.invoke('daemonizer', { token });
      expect((res.json() as { daemons: number[] }).daemons).toHaveLength(2);
      const daemons = daemonsOf(token);
      expect(daemons).toHaveLength(2);
      // Own session, outside the runtime's process group: the freeze still reaches them.
      const [env] = em.eph.internals.pool.environments().filter((e) => e.fn.config.name === 'daemonizer');
      for (const pid of daemons) expect(readStat(pid)?.pgid).not.toBe(env.pid);
      const rid = res.headers.get('x-amzn-requestid');
      await em.report(rid);
      const leak = em.lines.find((l) => l.text.startsWith(`LEAK RequestId: ${rid}\t`))?.text;
      expect(leak).toMatch(/\tLeft running: 2\t/);
      for (const pid of daemons) expect(leak).toContain(`process (pid ${pid} "sleep 1000")`);
      await waitFor(() => env.frozen && daemons.every((p) => procState(p) === 'T'), 3000);

      const del = await fetch(`${em.url}/_ephemera/environments/${env.id}`, { method: 'DELETE' });
      expect(del.status).toBe(204);
      await gone(token);
    });

    it('ends a Python daemon (fork, setsid, fork) with its environment', async () => {
      const token = newToken();
      const res = await em.invoke('python-daemonizer', { token });
      expect(res.headers.get('x-amz-function-error')).toBeNull();
      expect(daemonsOf(token)).toHaveLength(1);
      const [env] = em.eph.internals.pool.environments().filter((e) => e.fn.config.name === 'python-daemonizer');
      await env.shutdown('test');
      await gone(token);
    });

    it('reports a runtime killed by a signal as Runtime.ExitError "signal: killed"', async () => {
      const res = await em.invoke('crash-kill');
      const rid = res.headers.get('x-amzn-requestid');
      expect(res.json()).toEqual({ errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${rid} Error: Runtime exited with error: signal: killed` });
    });

    it('reports no process left running by a failed INIT (the sandbox itself is not a leak)', async () => {
      for (let i = 0; i < 2; i++) expect((await em.invoke('init-error')).headers.get('x-amz-function-error')).toBe('Unhandled');
      await waitFor(() => em.lines.filter((l) => l.fn === 'init-error' && l.text.startsWith('REPORT')).length === 2);
      expect(em.lines.filter((l) => l.fn === 'init-error' && l.text.startsWith('LEAK'))).toEqual([]);
    });
  });

  describe(`the emulator as a process, with daemons running (${isolation} isolation)`, () => {
    const secret = `s3cret-${newToken()}`;
    const start = () => startCli(process.execPath, [join(ROOT, 'server/main.ts'), 'start', '--template', TEMPLATE, '--port', '0', '--isolation', isolation], {
      cwd: ROOT, env: { SNOOP_TEST_SECRET: secret },
    });
    const invoke = async (cli: CliServer, fn: string, event: unknown): Promise<Record<string, unknown>> =>
      (await (await fetch(`${cli.local}/2015-03-31/functions/${fn}/invocations`, { method: 'POST', body: JSON.stringify(event) })).json()) as Record<string, unknown>;
    type Env = { pid: number; tmpDir: string | null };
    const environments = async (cli: CliServer): Promise<Env[]> =>
      ((await (await fetch(`${cli.local}/_ephemera/environments`)).json()) as { environments: Env[] }).environments;

    it(isolation === 'namespace'
      ? "a function cannot read another environment's /tmp nor the emulator's environment; SIGTERM ends every daemon"
      : "a function can read the emulator's environment and the host's /tmp (as documented); SIGTERM ends every daemon", async () => {
      const file = `snoop-${newToken()}`;
      const cli = await start();
      try {
        expect(await invoke(cli, 'snoop-writer', { write: secret, file })).toEqual({ wrote: true });
        const [env] = await environments(cli);
        const writer = [env.pid, ...descendants(env.pid)];
        const seen = (await invoke(cli, 'snoop', { pids: [cli.child.pid, ...writer], secret, file })) as { found: string[]; visible: number[]; unmounted: boolean };
        if (isolation === 'namespace') {
          expect(seen).toMatchObject({ found: [], unmounted: false });
          // Its own PID namespace only: the sandbox's init, the runtime and the probe's own processes.
          expect(seen.visible).not.toContain(cli.child.pid);
          expect(seen.visible.every((p) => p < 100)).toBe(true);
        } else {
          expect(seen.found).toContain(`/proc/${cli.child.pid}/environ`);
          expect(seen.found.some((f) => f.endsWith(`/root/tmp/${file}`))).toBe(true);
        }
        const token = newToken();
        await invoke(cli, 'daemonizer', { token });
        expect(daemonsOf(token)).toHaveLength(2);
        cli.child.kill('SIGTERM');
        expect(await cli.exit).toBe(0);
        await gone(token);
      } finally {
        rmSync(join('/tmp', file), { force: true });
      }
    });

    it(isolation === 'namespace'
      ? 'SIGKILL: the PID namespace ends with the emulator, daemons included'
      : "SIGKILL: the runtime dies with the emulator, the watchdog kills its daemons, its TMPDIR goes at the next start-up", async () => {
      const cli = await start();
      const token = newToken();
      await invoke(cli, 'daemonizer', { token });
      const [env] = await environments(cli);
      expect(daemonsOf(token)).toHaveLength(2);
      const tree = [env.pid, ...descendants(env.pid)];
      if (isolation === 'process') {
        expect(env.tmpDir).toMatch(new RegExp(`/ephemera-${cli.child.pid}\\.\\d+\\.\\d+-tmp-daemonizer-`));
        // Another emulator starting meanwhile never touches a live emulator's dirs.
        await (await startEmulator(TEMPLATE, { isolation })).stop();
        expect(existsSync(env.tmpDir!)).toBe(true);
      }
      cli.child.kill('SIGKILL');
      await cli.exit;
      await waitFor(() => tree.every((p) => !isAlive(p)), 5000);
      await gone(token);
      if (isolation === 'process') {
        // Not asserted to be there first: any emulator starting meanwhile (another test file's) may
        // already have swept a dead emulator's dirs.
        await (await startEmulator(TEMPLATE, { isolation })).stop();
        expect(existsSync(env.tmpDir!)).toBe(false);
      }
    });
  });
}
