// cgroup isolation (opt-in) with real worker processes: the memory limit is MemorySize (an OOM kill
// answers Runtime.OutOfMemory and the emulator carries on), REPORT's Max Memory Used is the cgroup's
// peak, the freezer also stops a process that left the process group, and neither a cgroup nor a
// process is left behind, even when the emulator is killed with SIGKILL. Skipped, with the reason,
// where no writable cgroup hierarchy exists.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cgroupDirs } from '../../server/environment/cgroup.ts';
import { detectIsolation } from '../../server/environment/isolation.ts';
import { ROOT, descendants, fixture, hostPid, hostPidUnder, isAlive, startEmulator, type TestEmulator, waitFor } from '../helpers/emulator.ts';

let skip = '';
try {
  detectIsolation('cgroup');
} catch (err) {
  skip = (err as Error).message;
}
if (skip) console.warn(`cgroup isolation tests skipped: ${skip}`);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const maxMemoryUsed = (report: string): number => Number(/\tMax Memory Used: (\d+) MB\t/.exec(report)?.[1]);

/** Whether the kernel reports the freezer cgroup of `pid` frozen (v1 freezer.state, v2 cgroup.events). */
function frozenCgroup(pid: number): boolean {
  const dirs = cgroupDirs(pid);
  if (dirs.v1) return readFileSync(join(dirs.v1.freezer, 'freezer.state'), 'utf8').trim() === 'FROZEN';
  return /^frozen 1$/m.test(readFileSync(join(dirs.v2!, 'cgroup.events'), 'utf8'));
}

/** Session and process group of a process, from /proc/<pid>/stat. */
function sessionOf(pid: number): { pgrp: number; session: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { pgrp: Number(f[2]), session: Number(f[3]) };
}

/** `ephemera-*` cgroups under the emulator's own cgroup in each hierarchy. */
function ephemeraCgroups(): string[] {
  const own = cgroupDirs();
  const dirs = own.v1 ? [own.v1.memory, own.v1.freezer, ...(own.v1.cpu ? [own.v1.cpu] : [])] : [own.v2!];
  return [...new Set(dirs)].flatMap((d) => readdirSync(d).filter((n) => n.startsWith('ephemera-')).map((n) => join(d, n)));
}

describe.skipIf(skip !== '')(`cgroup isolation${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let em: TestEmulator;
  const extraPids: number[] = [];
  beforeAll(async () => {
    em = await startEmulator(fixture('templates/cgroup.yaml'), { isolation: 'cgroup' });
  });
  afterAll(async () => {
    if (!em) return;
    const pids = [...em.pids(), ...extraPids];
    await em.stop();
    expect(pids.length).toBeGreaterThan(0);
    const alive = await waitFor(() => pids.every((p) => !isAlive(p)) && 'none', 3000).catch(() => pids.filter(isAlive));
    expect(alive).toBe('none');
    expect(ephemeraCgroups()).toEqual([]);
  });

  it('reports cgroup isolation in /_ephemera/health', async () => {
    const health = (await (await fetch(`${em.url}/_ephemera/health`)).json()) as { isolation: string; isolationReason: string };
    expect(health.isolation).toBe('cgroup');
    expect(health.isolationReason).toMatch(/^cgroup v[12] /);
  });

  it('OOM-kills an allocation above MemorySize like Lambda, and the next invoke works', async () => {
    const res = await em.invoke('memory-hog-128', { mb: 300 });
    const rid = res.headers.get('x-amzn-requestid');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(res.json()).toEqual({
      errorType: 'Runtime.OutOfMemory',
      errorMessage: `RequestId: ${rid} Error: Runtime exited with error: signal: killed`,
    });
    const report = await em.report(rid);
    expect(report).toMatch(/\tStatus: error\tError Type: Runtime\.OutOfMemory$/);
    expect(maxMemoryUsed(report)).toBeGreaterThan(64);
    expect(maxMemoryUsed(report)).toBeLessThanOrEqual(128);
    expect(em.lines.some((l) => l.text === `RequestId: ${rid} Error: Runtime exited with error: signal: killed`)).toBe(true);

    const next = await em.invoke('memory-hog-128', { mb: 10 });
    expect(next.headers.get('x-amz-function-error')).toBeNull();
    expect(next.json()).toMatchObject({ mb: 10 });
    expect((await fetch(`${em.url}/_ephemera/health`)).status).toBe(200);
  });

  it("reports the cgroup's peak as Max Memory Used, never MemorySize", async () => {
    const base = await em.invoke('memory-hog-256', { mb: 0 });
    const baseMB = maxMemoryUsed(await em.report(base.headers.get('x-amzn-requestid')));
    const hog = await em.invoke('memory-hog-256', { mb: 60 });
    expect(hog.json()).toMatchObject({ mb: 60 });
    const peakMB = maxMemoryUsed(await em.report(hog.headers.get('x-amzn-requestid')));
    expect(baseMB).toBeGreaterThan(0);
    expect(baseMB).toBeLessThan(120);
    // The 60 MB come on top of what the runtime already had, minus what GC returned meanwhile.
    expect(peakMB).toBeGreaterThanOrEqual(60);
    expect(peakMB - baseMB).toBeGreaterThanOrEqual(40);
    expect(peakMB).toBeLessThanOrEqual(baseMB + 60 + 20);
    expect(peakMB).toBeLessThan(256);
  });

  it('freezes a process that left the process group while the environment is idle', async () => {
    const inside = (await em.invoke('escaper')).json() as { runtimePid: number; childPid: number; file: string };
    // The pids the function sees are its PID namespace's (where the namespace sandbox is used).
    const first = { ...inside, runtimePid: hostPid(em, 'escaper', inside.runtimePid), childPid: hostPid(em, 'escaper', inside.childPid) };
    extraPids.push(first.childPid);
    // The child has its own session and group: SIGSTOP of the worker's group would miss it.
    const child = sessionOf(first.childPid);
    expect(child.session).toBe(first.childPid);
    expect(child.pgrp).not.toBe(sessionOf(first.runtimePid).pgrp);
    const ticks = (): number => readFileSync(`/proc/${first.childPid}/root${first.file}`, 'utf8').split('\n').filter(Boolean).length;

    await waitFor(() => frozenCgroup(first.childPid), 3000);
    const frozenAt = ticks();
    await sleep(500);
    expect(ticks()).toBe(frozenAt);

    // Thawed for the next invoke (which waits 300 ms): the child ticks again, then stops again.
    const second = (await em.invoke('escaper', { waitMs: 300 })).json() as { childPid: number };
    expect(second.childPid).toBe(inside.childPid);
    expect(ticks()).toBeGreaterThanOrEqual(frozenAt + 3);
    await waitFor(() => frozenCgroup(first.childPid), 3000);
    const again = ticks();
    await sleep(300);
    expect(ticks()).toBe(again);
  });
});

describe.skipIf(skip !== '')('cgroup isolation, emulator killed with SIGKILL', () => {
  it('leaves no frozen process and no cgroup behind (the watchdog thaws, kills and removes)', async () => {
    const cli = spawn(process.execPath, [join(ROOT, 'server/main.ts'), 'start', '--template', fixture('templates/cgroup.yaml'), '--port', '0', '--isolation', 'cgroup'], {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((r) => cli.once('exit', r));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let buf = '';
        cli.stdout!.on('data', (d: Buffer) => {
          buf += d.toString();
          const m = /"url":"([^"]+)".*ephemera ready|ephemera ready.*"url":"([^"]+)"/.exec(buf);
          if (m) resolve(m[1] ?? m[2]);
        });
        cli.once('exit', () => reject(new Error('the CLI exited before it was ready')));
      });
      const res = await fetch(`${url}/2015-03-31/functions/escaper/invocations`, { method: 'POST', body: '{}' });
      const inside = (await res.json()) as { runtimePid: number; childPid: number };
      const { environments } = (await (await fetch(`${url}/_ephemera/environments`)).json()) as { environments: Array<{ pid: number }> };
      const runtimePid = hostPidUnder(environments[0].pid, inside.runtimePid)!;
      const childPid = hostPidUnder(environments[0].pid, inside.childPid)!;
      await waitFor(() => frozenCgroup(childPid), 3000);
      const tree = [runtimePid, childPid, ...descendants(runtimePid)];
      expect(tree.every(isAlive)).toBe(true);
      const ours = (d: string): boolean => new RegExp(`/ephemera-${cli.pid}\\.\\d+\\.\\d+$`).test(d);
      expect(ephemeraCgroups().some(ours)).toBe(true);
      cli.kill('SIGKILL');
      await exited;
      await waitFor(() => tree.every((p) => !isAlive(p)), 5000);
      await waitFor(() => !ephemeraCgroups().some(ours), 5000);
    } finally {
      cli.kill('SIGKILL');
    }
  });
});
