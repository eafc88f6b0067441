// The CLI: `ephemera <command>`. `start` (the default) serves the template until SIGINT/SIGTERM;
// `invoke`, `generate-event`, `help`, `version`. Every failure is one line on stderr and exit code 1
// (the stack only at --log-level debug). The server's modules load only for start and invoke.
import { OptionsError } from './options.ts';
import { generateEvent } from './cli/generate-event/generate-event-command.ts';
import { COMMANDS, VERSION, invokeHelp, mainHelp, startHelp } from './cli/help.ts';
import { StartupError, firstLine } from './cli/startup-error.ts';

async function buffer(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

const wantsHelp = (argv: string[]): boolean => argv.includes('--help') || argv.includes('-h');

/** Help for `ephemera help <command>` and `<command> --help`. */
function helpFor(command: string | undefined): string {
  if (command === undefined || command === 'help' || command === 'version') return mainHelp();
  if (command === 'start') return startHelp();
  if (command === 'invoke') return invokeHelp();
  if (command === 'generate-event') return generateEvent([]).text.trimEnd();
  throw new OptionsError(`unknown command '${command}' (commands: ${Object.keys(COMMANDS).join(', ')})`);
}

async function main(argv: string[]): Promise<number | undefined> {
  const [command = 'start', ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    console.log(helpFor(command === 'help' ? rest[0] : undefined));
    return 0;
  }
  if (command === '--version' || command === '-v' || command === 'version') {
    console.log(`ephemera ${VERSION}`);
    return 0;
  }
  if (command === 'generate-event') {
    process.stdout.write(generateEvent(rest).text);
    return 0;
  }
  if (command === 'invoke') {
    if (wantsHelp(rest)) {
      console.log(invokeHelp());
      return 0;
    }
    const { invokeCommand } = await import('./cli/invoke-command.ts');
    return invokeCommand(rest, { stdout: process.stdout, stderr: process.stderr, readStdin: () => buffer(process.stdin) });
  }
  // `ephemera --port 3001` is `ephemera start --port 3001`.
  const startArgs = command === 'start' ? rest : command.startsWith('--') ? argv : undefined;
  if (!startArgs) throw new OptionsError(`unknown command '${command}' (commands: ${Object.keys(COMMANDS).join(', ')}); see ephemera --help`);
  if (wantsHelp(startArgs)) {
    console.log(startHelp());
    return 0;
  }
  const { start } = await import('./cli/start-command.ts');
  await start(startArgs);
  return undefined;
}

/** Debug logging asked for on the command line or in EPHEMERA_LOG_LEVEL: then a failure shows its stack. */
function verbose(argv: string[]): boolean {
  const level = argv.find((a, i) => argv[i - 1] === '--log-level' || a.startsWith('--log-level='))?.replace('--log-level=', '') ?? process.env.EPHEMERA_LOG_LEVEL;
  return level === 'debug' || level === 'trace';
}

const argv = process.argv.slice(2);
main(argv).then((code) => {
  // Let stdout drain before leaving (a pipe may be slower than us); `start` keeps running.
  if (code !== undefined) process.stdout.write('', () => process.exit(code));
}, (err: unknown) => {
  const known = err instanceof OptionsError || err instanceof StartupError;
  console.error(`ephemera: ${known ? (err as Error).message : `failed to start: ${firstLine(err)}`}`);
  if (verbose(argv) && err instanceof Error && err.stack) console.error(err.stack);
  process.exit(1);
});
