// The CLI: `ephemera start [flags]` builds the app and listens; SIGINT/SIGTERM shut every
// environment down and exit with no process left behind.
import { emulatorUrl } from './environment/sdk-endpoints.ts';
import { IsolationUnavailableError } from './environment/isolation.ts';
import { buildApp } from './app.ts';
import { exposureWarning } from './http/bind-address.ts';
import { OptionsError, parseOptions } from './options.ts';
import { TemplateError } from './template/load-template.ts';
import { invokeCommand } from './dev/invoke-command.ts';
import { describeLines } from './front-door/describe.ts';

async function buffer(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

const USAGE = `usage: ephemera start [--template template.yaml] [--port 3001] [--api-port 3000] [--host 127.0.0.1]
                     [--isolation auto|process|namespace|cgroup] [--keep-alive 300] [--init-timeout 10]
                     [--max-concurrency 1000]
                     [--region us-east-1] [--account-id 000000000000] [--log-level info]
                     [--watch] [--env-vars env.json] [--parameter-overrides "Key=Value ..."]
                     [--debug <function>] [--debug-port 9229] [--data-dir dir]
                     [--sqs-endpoint aws|URL] [--kinesis-endpoint aws|URL] [--dynamodbstreams-endpoint aws|URL]
                     [--leaks off|warn|error] [--time-scale 1] [--sdk-endpoints=false]
                     [--allowed-hosts name,.domain,...]
       ephemera invoke <function> [--event file.json | --event -] [start flags]
Every flag can also be set as EPHEMERA_<FLAG> (e.g. EPHEMERA_PORT=3001).`;

async function start(argv: string[]): Promise<void> {
  const options = parseOptions(argv);
  const eph = buildApp(options);
  const log = eph.app.log;
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
  await eph.app.listen({ port: options.port, host: options.host });
  const address = eph.app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const exposed = exposureWarning(options.host, port);
  if (exposed) log.warn(exposed);
  eph.listening(emulatorUrl(options.host, port));
  await eph.frontDoor.frontDoor.listen(options.host, options.apiPort);
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

async function main(): Promise<void> {
  const [command = 'start', ...rest] = process.argv.slice(2);
  if (command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return;
  }
  if (command === 'invoke') {
    const code = await invokeCommand(rest, { stdout: process.stdout, stderr: process.stderr, readStdin: () => buffer(process.stdin) });
    // Let stdout drain before leaving (a pipe may be slower than us).
    process.stdout.write('', () => process.exit(code));
    return;
  }
  if (command !== 'start') throw new OptionsError(`unknown command '${command}'\n${USAGE}`);
  await start(rest);
}

main().catch((err: unknown) => {
  if (err instanceof OptionsError || err instanceof TemplateError || err instanceof IsolationUnavailableError) {
    console.error(`ephemera: ${err.message}`);
  } else {
    console.error('ephemera: failed to start:', err);
  }
  process.exit(1);
});
