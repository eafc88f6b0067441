// `ephemera start`, loaded only for that command (help, version, generate-event and invoke through a
// running emulator start without the server's modules). A template or isolation problem and a listen
// failure leave here as a StartupError, worded for the user; the app is closed first.
import { buildApp } from '../app.ts';
import { hiddenSdkDirsWarning, sdkDirsFor } from '../dev/runtime-setup.ts';
import { emulatorUrl } from '../environment/sdk-endpoints.ts';
import { IsolationUnavailableError } from '../environment/isolation.ts';
import { describeLines } from '../front-door/describe.ts';
import { exposureWarning } from '../http/bind-address.ts';
import { TemplateError } from '../template/load-template.ts';
import { resolveProject } from './project-options.ts';
import { OptionsError } from '../options.ts';
import { StartupError, listenErrorLine } from './startup-error.ts';

export async function start(argv: string[]): Promise<void> {
  try {
    await serve(argv);
  } catch (err) {
    // The template's or the isolation's problem is the user's to fix: its message is the whole story.
    if (err instanceof TemplateError || err instanceof IsolationUnavailableError) throw new StartupError(err.message);
    throw err;
  }
}

async function serve(argv: string[]): Promise<void> {
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
  try {
    await eph.ready;
  } catch (err) {
    // --strict-runtimes with --fetch-runtimes: a runtime found wanting once the fetches are done.
    await eph.close();
    throw err instanceof OptionsError ? new StartupError(err.message) : err;
  }
  log.info({
    url: `http://${options.host}:${port}`,
    template: options.template,
    functions: eph.functions().map((f) => f.name),
    isolation: eph.isolation.level,
    frontDoor: eph.frontDoor.frontDoor.describe(),
  }, `ephemera ready (isolation: ${eph.isolation.reason})`);
  for (const line of describeLines(eph.frontDoor.frontDoor.describe())) log.info(line);
  const hidden = hiddenSdkDirsWarning(eph.isolation.level, sdkDirsFor(options.template));
  if (hidden) log.warn(hidden);
  if (eph.watcher) {
    await eph.watcher.ready;
    log.info(`watching ${eph.watcher.directories} code and layer director${eph.watcher.directories === 1 ? 'y' : 'ies'}: a change reloads the functions that use it`);
  }
  const debug = eph.debugTarget;
  if (debug) log.info(`debugging ${debug.functionName}: its runtime listens for a debugger on 127.0.0.1:${debug.port} (one environment at a time, timeout suspended while attached)`);
}
