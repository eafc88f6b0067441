// The CLI: `ephemera <command>`. `start` (the default) builds the app and listens, SIGINT/SIGTERM shut
// every environment down and exit with no process left behind; `invoke`, `generate-event`, `help`,
// `version`. Every start-up failure is one line on stderr and exit code 1 (the stack only at --log-level debug).
import { emulatorUrl } from './environment/sdk-endpoints.ts';
import { IsolationUnavailableError } from './environment/isolation.ts';
import { buildApp } from './app.ts';
import { exposureWarning } from './http/bind-address.ts';
import { OptionsError } from './options.ts';
import { TemplateError } from './template/load-template.ts';
import { invokeCommand } from './dev/invoke-command.ts';
import { generateEvent } from './cli/generate-event/generate-event-command.ts';
import { COMMANDS, VERSION, invokeHelp, mainHelp, startHelp } from './cli/help.ts';
import { resolveProject } from './cli/project-options.ts';
import { firstLine, listenErrorLine } from './cli/startup-error.ts';
import { describeLines } from './front-door/describe.ts';

async function buffer(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

/** An error already worded for the user: printed as it is. */
class StartupError extends Error {}

const wantsHelp = (argv: string[]): boolean => argv.includes('--help') || argv.includes('-h');

async function start(argv: string[]): Promise<void> {
  const project = resolveProject('start', argv);
  const { options } = project;
  const eph = buildApp(options);
  const log = eph.app.log;
  log.info(`template: ${project.templateSource}`);
  for (const note of project.notes) log.info(note);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    eph.close().then(() => process.exit(0), (err: unknown) => {
      log.error({ err }, 'error while shutting down');
      process.exit(1);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  try {
    await eph.app.listen({ port: options.port, host: options.host });
  } catch (err) {
    await eph.close();
    const line = listenErrorLine(err, { host: options.host, port: options.port, flag: '--port' });
    throw line ? new StartupError(line) : err;
  }
  const address = eph.app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const exposed = exposureWarning(options.host, port);
  if (exposed) log.warn(exposed);
  eph.listening(emulatorUrl(options.host, port));
  try {
    await eph.frontDoor.frontDoor.listen(options.host, options.apiPort);
  } catch (err) {
    await eph.close();
    const line = listenErrorLine(err, { host: options.host, port: options.apiPort, flag: '--api-port' });
    throw line ? new StartupError(line) : err;
  }
  await eph.ready;
  log.info({
    url: `http://${options.host}:${port}`,
    template: options.template,
    functions: eph.registry.list().map((f) => f.config.name),
    isolation: eph.isolation.level,
    frontDoor: eph.frontDoor.frontDoor.describe(),
  }, `ephemera ready (isolation: ${eph.isolation.reason})`);
  for (const line of describeLines(eph.frontDoor.frontDoor.describe())) log.info(line);
  if (eph.watcher) {
    await eph.watcher.ready;
    log.info(`watching ${eph.watcher.directories} code and layer director${eph.watcher.directories === 1 ? 'y' : 'ies'}: a change reloads the functions that use it`);
  }
  const debug = eph.debugTarget;
  if (debug) log.info(`debugging ${debug.functionName}: its runtime listens for a debugger on 127.0.0.1:${debug.port} (one environment at a time, timeout suspended while attached)`);
}

/** Help for `ephemera help <command>` and `<command> --help`. */
function helpFor(command: string | undefined): string {
  if (command === undefined || command === 'help' || command === 'version') return mainHelp();
  if (command === 'start') return startHelp();
  if (command === 'invoke') return invokeHelp();
  if (command === 'generate-event') return generateEvent([]).text;
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
    return invokeCommand(rest, { stdout: process.stdout, stderr: process.stderr, readStdin: () => buffer(process.stdin) });
  }
  // `ephemera --port 3001` is `ephemera start --port 3001`.
  const startArgs = command === 'start' ? rest : command.startsWith('--') ? argv : undefined;
  if (!startArgs) throw new OptionsError(`unknown command '${command}' (commands: ${Object.keys(COMMANDS).join(', ')}); see ephemera --help`);
  if (wantsHelp(startArgs)) {
    console.log(startHelp());
    return 0;
  }
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
  const known = err instanceof OptionsError || err instanceof TemplateError || err instanceof IsolationUnavailableError || err instanceof StartupError;
  console.error(`ephemera: ${known ? (err as Error).message : `failed to start: ${firstLine(err)}`}`);
  if (verbose(argv) && err instanceof Error && err.stack) console.error(err.stack);
  process.exit(1);
});
