// AWS_LAMBDA_EXEC_WRAPPER as Lambda's managed runtimes run it (their /var/runtime/bootstrap): the
// wrapper gets the interpreter and every argument of the runtime's usual command line; a wrapper that
// does not exist makes the runtime exit with 127 ("<path>: does not exist" on stdout), one that is not
// executable with 126: the invoke then fails with Runtime.ExitError, as on Lambda. OS-only (provided)
// runtimes do not support wrappers.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

// $1 the wrapper, then the runtime's command. The checks and their words are the bootstrap's (bash
// there, with `exec --`: dash's exec takes no `--`).
const BOOTSTRAP = [
  'wrapper=$1; shift',
  'if [ ! -f "$wrapper" ]; then echo "$wrapper: does not exist"; exit 127; fi',
  'if [ ! -x "$wrapper" ]; then echo "$wrapper: is not an executable"; exit 126; fi',
  'exec "$wrapper" "$@"',
].join('\n');

/** The runtime's argv, started through the wrapper when one is set (else unchanged: no shell in between). */
export function execWrapperArgv(wrapper: string | undefined, command: string[]): string[] {
  if (!wrapper) return command;
  return ['/bin/sh', '-c', BOOTSTRAP, 'ephemera-bootstrap', wrapper, ...command];
}

/**
 * Process isolation has no /var/task and /opt: a wrapper named there (in the code, or a layer, as
 * Lambda's docs place them) is the host file they stand for; the last layer that has it wins.
 */
export function hostWrapperPath(wrapper: string, codeDir: string, layers: readonly string[] = []): string {
  if (wrapper.startsWith('/var/task/')) return join(codeDir, wrapper.slice('/var/task/'.length));
  if (wrapper.startsWith('/opt/')) {
    const rest = wrapper.slice('/opt/'.length);
    const layer = [...layers].reverse().find((l) => existsSync(join(l, rest)));
    if (layer) return join(layer, rest);
  }
  return wrapper;
}
