// Process isolation's child subreaper: the runtime is started through a one-line Perl program that
// calls prctl(PR_SET_CHILD_SUBREAPER) and execs it (the flag survives exec; no process stays
// behind), so an orphan anywhere below the runtime (a daemon's double fork, a setsid child) becomes
// the runtime's child instead of the host init's, and the environment's tree walk still finds it.
// Node cannot call prctl; perl (perl-base is essential on Debian and Ubuntu) starts in ~2 ms
// where Python's ctypes takes ~11.
import { spawnSync } from 'node:child_process';

const PR_SET_CHILD_SUBREAPER = 36;

/** prctl's syscall number per Node architecture (Perl's syscall.ph is not always installed). */
const PRCTL: Partial<Record<NodeJS.Architecture, number>> = {
  x64: 157, arm64: 167, riscv64: 167, loong64: 167, arm: 172, ia32: 172, s390x: 172, ppc64: 171,
};

// A failed prctl (a kernel before 3.4) only loses the subreaper; a failed exec answers as sh does.
// Perl warns on stderr (the function's log) when the function's LANG (Lambda's en_US.UTF-8) is not
// installed on the host: PERL_BADLANG=0 silences it for this perl only, and is taken out again.
// `--perl5opt V` / `--perl-badlang V`: the function's own values, kept away from this perl and given
// back to the runtime.
const SCRIPT = (nr: number): string => [
  'delete $ENV{PERL_BADLANG};',
  'while (@ARGV >= 2 && $ARGV[0] =~ /^--(perl5opt|perl-badlang)$/) { my $k = uc($1) =~ tr/-/_/r; shift; $ENV{$k} = shift }',
  `syscall(${nr}, ${PR_SET_CHILD_SUBREAPER}, 1, 0, 0, 0);`,
  'exec { $ARGV[0] } @ARGV or do { print STDERR "$ARGV[0]: $!\\n"; exit($!{ENOENT} ? 127 : 126) };',
].join('\n');

let detected: string[] | undefined;

/** The argv prefix (empty where perl or prctl's number is missing), tried once for real. */
export function subreaperPrefix(): string[] {
  if (!detected) {
    const nr = PRCTL[process.arch];
    const prefix = nr === undefined ? [] : ['env', 'PERL_BADLANG=0', 'perl', '-e', SCRIPT(nr), '--'];
    detected = prefix.length > 0 && spawnSync(prefix[0], [...prefix.slice(1), 'true'], { timeout: 5000 }).status === 0 ? prefix : [];
  }
  return detected;
}

/** `command` run through the subreaper prefix, given the environment it will get. */
export function withSubreaper(prefix: string[], env: Record<string, string>, command: string[]): string[] {
  if (prefix.length === 0) return command;
  // PERL5OPT (-M, -d...) would change what our perl does: it runs without it and restores it; the
  // function's own PERL_BADLANG is given back likewise.
  const unset = env.PERL5OPT === undefined ? [] : ['-u', 'PERL5OPT'];
  const [envCmd, ...rest] = prefix; // ['env', 'PERL_BADLANG=0', 'perl', ...]
  const given = [
    ...(env.PERL5OPT === undefined ? [] : ['--perl5opt', env.PERL5OPT]),
    ...(env.PERL_BADLANG === undefined ? [] : ['--perl-badlang', env.PERL_BADLANG]),
  ];
  return [envCmd, ...unset, ...rest, ...given, ...command];
}
