// Process isolation's keeper, run for real: the runtime it forks and execs is a child subreaper leading
// its own process group, sees exactly the environment it was given (PERL5OPT and PERL_BADLANG included
// or absent as given), and perl writes nothing to the function's log when the function's LANG is not
// installed on the host. The keeper ends as the runtime did, is not stopped with the runtime's group,
// and takes the runtime with it when it is killed.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readStat } from '../../lib/proc-stat.ts';
import { parseChildren } from '../../server/environment/proc-fs.ts';
import { subreaperPrefix, withSubreaper } from '../../server/environment/subreaper.ts';
import { isAlive, waitFor } from '../helpers/emulator.ts';

const prefix = subreaperPrefix();
// What the exec'd program sees of the variables that matter here.
const SHOW = ['sh', '-c', 'printf "%s|%s|%s" "${PERL5OPT-unset}" "${PERL_BADLANG-unset}" "$LANG"'];

function run(env: Record<string, string>): { stdout: string; stderr: string; status: number | null } {
  const argv = withSubreaper(prefix, env, SHOW);
  const r = spawnSync(argv[0], argv.slice(1), { env, encoding: 'utf8', timeout: 10_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe.skipIf(prefix.length === 0)('the subreaper wrapper', () => {
  it('is silent under a LANG the host lacks, and adds nothing to the environment', () => {
    const r = run({ PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'xx_NOPE.UTF-8' });
    expect(r).toEqual({ stdout: 'unset|unset|xx_NOPE.UTF-8', stderr: '', status: 0 });
  });

  it('gives the function back its own PERL5OPT and PERL_BADLANG', () => {
    const r = run({ PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', PERL5OPT: '-Mstrict', PERL_BADLANG: '1' });
    expect(r).toEqual({ stdout: '-Mstrict|1|C', stderr: '', status: 0 });
  });

  it('answers a missing program as sh does (127)', () => {
    const argv = withSubreaper(prefix, { PATH: '/usr/bin:/bin' }, ['/nonexistent/bootstrap']);
    const r = spawnSync(argv[0], argv.slice(1), { env: { PATH: '/usr/bin:/bin', LANG: 'C' }, encoding: 'utf8', timeout: 10_000 });
    expect(r.status).toBe(127);
    expect(r.stderr).toContain('/nonexistent/bootstrap');
  });

  it('ends as the runtime ended: its exit code, or killed by the same signal', () => {
    const end = (script: string) => {
      const argv = withSubreaper(prefix, {}, ['sh', '-c', script]);
      const r = spawnSync(argv[0], argv.slice(1), { timeout: 10_000 });
      return { status: r.status, signal: r.signal };
    };
    expect(end('exit 3')).toEqual({ status: 3, signal: null });
    expect(end('kill -TERM $$')).toEqual({ status: null, signal: 'SIGTERM' });
    expect(end('kill -KILL $$')).toEqual({ status: null, signal: 'SIGKILL' });
    expect(end('kill -SEGV $$')).toEqual({ status: null, signal: 'SIGSEGV' });
  });

  it('forks the runtime as a process group of its own, which stops without the keeper; killing the keeper kills it', async () => {
    const argv = withSubreaper(prefix, {}, ['sleep', '30']);
    const keeper = spawn(argv[0], argv.slice(1), { stdio: 'ignore', detached: true });
    const exited = new Promise((r) => keeper.once('exit', r));
    try {
      const children = (): number[] => {
        try {
          return parseChildren(readFileSync(`/proc/${keeper.pid}/task/${keeper.pid}/children`, 'latin1'));
        } catch {
          return [];
        }
      };
      const runtime = await waitFor(() => children()[0], 5000);
      // Just forked, the child may not have made its group yet (it does so before it execs the runtime).
      await waitFor(() => readStat(runtime)?.pgid === runtime, 5000);
      expect(readStat(runtime)).toMatchObject({ ppid: keeper.pid, pgid: runtime });
      expect(readStat(keeper.pid!)?.pgid).toBe(keeper.pid);
      process.kill(-runtime, 'SIGSTOP');
      await waitFor(() => readStat(runtime)?.state === 'T', 5000);
      expect(readStat(keeper.pid!)?.state).not.toBe('T');
      process.kill(keeper.pid!, 'SIGKILL');
      await exited;
      await waitFor(() => !isAlive(runtime), 5000);
    } finally {
      try {
        process.kill(-keeper.pid!, 'SIGKILL');
      } catch {
        // gone
      }
      await exited;
    }
  });
});
