// Process isolation's subreaper wrapper, run for real: the runtime it execs is a child subreaper, sees
// exactly the environment it was given (PERL5OPT and PERL_BADLANG included or absent as given), and
// perl writes nothing to the function's log when the function's LANG is not installed on the host.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { subreaperPrefix, withSubreaper } from '../../server/environment/subreaper.ts';

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
});
