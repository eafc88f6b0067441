// The --data-dir lock with real processes: a holder killed while its parent does not reap it (a
// zombie) and a lock naming a PID that now belongs to another process both give way to a restart,
// while a live holder still keeps a second emulator out. Plus the pure rules, table-driven.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type LockHolder, type ProcessView, holderAlive, lockDataDir, parseHolder } from '../../services/sqs/data-dir-lock.ts';
import { parseStat, readStat } from '../../lib/proc-stat.ts';
import { EmbeddedQueues } from '../../services/sqs/embedded-queues.ts';
import { ROOT, isAlive, procState, waitFor } from '../helpers/emulator.ts';

const started: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of started.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGKILL');
      await new Promise((r) => c.once('exit', r));
    }
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const dataDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'eph-lock-'));
  dirs.push(d);
  return d;
};

const startOf = (pid: number): string => String(readStat(pid)!.startTime);

/** `sh` forks a Node child that opens the embedded queues on `dir` (taking the lock), creates a queue
 *  and SIGKILLs itself; `sh` has meanwhile exec'd `sleep`, which never reaps it: the child stays a zombie. */
async function zombieHolder(dir: string): Promise<{ parent: ChildProcess; zombie: number }> {
  const code = [
    `import { EmbeddedQueues } from ${JSON.stringify(join(ROOT, 'services/sqs/embedded-queues.ts'))};`,
    `const q = new EmbeddedQueues({ region: 'us-east-1', accountId: '000000000000', dataDir: ${JSON.stringify(dir)} });`,
    `q.create('kept');`,
    `process.stdout.write(process.pid + '\\n', () => process.kill(process.pid, 'SIGKILL'));`,
  ].join('\n');
  const parent = spawn('/bin/sh', ['-c', `"${process.execPath}" --input-type=module -e "$CODE" & exec sleep 60`], {
    env: { PATH: '/usr/bin:/bin', CODE: code }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  started.push(parent);
  let out = '';
  parent.stdout!.on('data', (b: Buffer) => { out += b.toString(); });
  const zombie = await waitFor(() => /^\d+\n/.test(out) && Number(out.trim()), 15_000);
  await waitFor(() => procState(zombie) === 'Z', 5000);
  return { parent, zombie };
}

describe('--data-dir lock with real processes', () => {
  it('a live holder keeps a second emulator out', () => {
    const dir = dataDir();
    const first = new EmbeddedQueues({ region: 'us-east-1', accountId: '000000000000', dataDir: dir });
    try {
      expect(() => new EmbeddedQueues({ region: 'us-east-1', accountId: '000000000000', dataDir: dir }))
        .toThrow(`it is in use by another emulator (PID ${process.pid})`);
    } finally {
      first.close();
    }
    // Released on close: the next one gets it.
    new EmbeddedQueues({ region: 'us-east-1', accountId: '000000000000', dataDir: dir }).close();
  });

  it('a holder that was killed but not reaped (a zombie) does not block the restart', async () => {
    const dir = dataDir();
    const { parent, zombie } = await zombieHolder(dir);
    expect(parseHolder(readFileSync(join(dir, 'sqs', 'lock'), 'utf8'))?.pid).toBe(zombie);
    expect(procState(zombie)).toBe('Z');
    const queues = new EmbeddedQueues({ region: 'us-east-1', accountId: '000000000000', dataDir: dir });
    try {
      expect(queues.list().map((q) => q.name)).toEqual(['kept']);
      expect(parseHolder(readFileSync(join(dir, 'sqs', 'lock'), 'utf8'))?.pid).toBe(process.pid);
    } finally {
      queues.close();
    }
    parent.kill('SIGKILL');
    await waitFor(() => !isAlive(parent.pid!) && procState(zombie) === undefined, 5000);
  });

  it('a lock naming a live PID with another start time (the PID was reused) is taken over', async () => {
    const dir = dataDir();
    const other = spawn('/bin/sleep', ['60'], { stdio: 'ignore' });
    started.push(other);
    await waitFor(() => procState(other.pid!) !== undefined);
    const lock = join(dir, 'sqs', 'lock');
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    // The same PID, as the process that holds it now: refused.
    new EmbeddedQueues({ region: 'us-east-1', accountId: '000000000000', dataDir: dir }).close();
    writeFileSync(lock, JSON.stringify({ pid: other.pid, start: startOf(other.pid!), boot }));
    expect(() => lockDataDir(dir)).toThrow(`in use by another emulator (PID ${other.pid})`);
    // The same PID, but the holder started at another time: that process is gone, the PID reused.
    writeFileSync(lock, JSON.stringify({ pid: other.pid, start: String(Number(startOf(other.pid!)) - 1), boot }));
    const release = lockDataDir(dir);
    expect(parseHolder(readFileSync(lock, 'utf8'))).toEqual({ pid: process.pid, start: startOf(process.pid), boot });
    release();
    // A lock from before a reboot names a PID that means nothing now.
    writeFileSync(lock, JSON.stringify({ pid: other.pid, start: startOf(other.pid!), boot: 'another-boot' }));
    lockDataDir(dir)();
  });
});

describe('lock rules', () => {
  const holder: LockHolder = { pid: 42, start: '1000', boot: 'b1' };
  const cases: Array<[string, LockHolder, ProcessView, string | undefined, boolean]> = [
    ['running, same start', holder, { exists: true, state: 'S', start: '1000' }, 'b1', true],
    ['stopped (frozen) still holds', holder, { exists: true, state: 'T', start: '1000' }, 'b1', true],
    ['no such process', holder, { exists: false }, 'b1', false],
    ['zombie', holder, { exists: true, state: 'Z', start: '1000' }, 'b1', false],
    ['dead (X)', holder, { exists: true, state: 'X', start: '1000' }, 'b1', false],
    ['PID reused', holder, { exists: true, state: 'S', start: '2000' }, 'b1', false],
    ['another boot', holder, { exists: true, state: 'S', start: '1000' }, 'b2', false],
    ['no /proc: kill(0) says alive', holder, { exists: true }, undefined, true],
    ['old lock (PID only), running', { pid: 42 }, { exists: true, state: 'S', start: '5' }, 'b1', true],
    ['old lock (PID only), zombie', { pid: 42 }, { exists: true, state: 'Z', start: '5' }, 'b1', false],
  ];
  it.each(cases)('%s', (_name, h, view, boot, alive) => {
    expect(holderAlive(h, view, boot)).toBe(alive);
  });

  it('reads both lock formats and /proc/<pid>/stat with odd command names', () => {
    expect(parseHolder('1234\n')).toEqual({ pid: 1234 });
    expect(parseHolder('{"pid":7,"start":"99","boot":"x"}')).toEqual({ pid: 7, start: '99', boot: 'x' });
    expect(parseHolder('')).toBeUndefined();
    expect(parseHolder('{"pid":-1}')).toBeUndefined();
    const stat = '77 (a) b (c) Z 1 77 77 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 123456 0 0';
    expect(parseStat(stat)).toMatchObject({ state: 'Z', ppid: 1, startTime: 123456 });
  });
});
