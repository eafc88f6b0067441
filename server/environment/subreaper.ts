// Process isolation's keeper: the runtime is started through a one-line Perl program that forks it
// as the leader of a process group of its own, a child subreaper (prctl(PR_SET_CHILD_SUBREAPER); the
// flag survives exec) that dies with the keeper (PR_SET_PDEATHSIG), and then waits for it and exits
// as it did (its code, or killed by the same signal). An orphan anywhere below the runtime (a daemon's
// double fork, a setsid child) becomes the runtime's child instead of the host init's, so the
// environment's tree walk still finds it. The keeper is never stopped: freezing the runtime's group
// sends SIGCHLD to the keeper, not to the emulator, whose event loop would wake for each and make libuv
// waitpid() every child process it has (measured in docs/internals/invoke-hot-path.md).
// Node cannot call prctl or fork; perl (perl-base is essential on Debian and Ubuntu) starts in ~2 ms
// where Python's ctypes takes ~11.
import { spawnSync } from 'node:child_process';

const PR_SET_PDEATHSIG = 1;
const PR_SET_DUMPABLE = 4;
const PR_SET_CHILD_SUBREAPER = 36;

/** prctl's syscall number per Node architecture (Perl's syscall.ph is not always installed). */
const PRCTL: Partial<Record<NodeJS.Architecture, number>> = {
  x64: 157, arm64: 167, riscv64: 167, loong64: 167, arm: 172, ia32: 172, s390x: 172, ppc64: 171,
};

// A failed prctl (a kernel before 3.4) only loses the subreaper; a failed exec answers as sh does.
// Perl warns on stderr (the function's log) when the function's LANG (Lambda's en_US.UTF-8) is not
// installed on the host: PERL_BADLANG=0 silences it for this perl only, and is taken out again.
// `--perl5opt V` / `--perl-badlang V`: the function's own values, kept away from this perl and given
// back to the runtime. The child checks that the keeper is still its parent once PDEATHSIG is set
// (the keeper could have died just before). The keeper passes the runtime's end on: its exit code,
// or the same signal sent to itself (its dispositions are the defaults: spawn resets them); it is not
// dumpable, so a SIGSEGV passed on leaves no core file of the keeper's in the function's folder.
const SCRIPT = (nr: number): string => [
  'delete $ENV{PERL_BADLANG};',
  'while (@ARGV >= 2 && $ARGV[0] =~ /^--(perl5opt|perl-badlang)$/) { my $k = uc($1) =~ tr/-/_/r; shift; $ENV{$k} = shift }',
  'my $keeper = $$; my $pid = fork; defined $pid or do { print STDERR "fork: $!\n"; exit 126 };',
  'if ($pid == 0) {',
  `  setpgrp(0, 0); syscall(${nr}, ${PR_SET_PDEATHSIG}, 9, 0, 0, 0); getppid() == $keeper or exit 126;`,
  `  syscall(${nr}, ${PR_SET_CHILD_SUBREAPER}, 1, 0, 0, 0);`,
  '  exec { $ARGV[0] } @ARGV or do { print STDERR "$ARGV[0]: $!\n"; exit($!{ENOENT} ? 127 : 126) };',
  '}',
  `syscall(${nr}, ${PR_SET_DUMPABLE}, 0, 0, 0, 0); waitpid($pid, 0); my $s = $?;`,
  'if ($s & 127) { kill($s & 127, $$); exit(128 + ($s & 127)) }',
  'exit($s >> 8);',
].join('\n');

let detected: string[] | undefined;

/** The argv prefix (empty where perl or prctl's number is missing: the runtime is then the child), tried once for real. */
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
