// The composition root: builds the fastify app and wires template → registry → pool → invoke →
// routes. It does not listen (main.ts does); tests call buildApp and listen on port 0.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { type OutputSink, StreamOutputSink } from './environment/function-log.ts';
import { type IsolationInfo, detectIsolation } from './environment/isolation.ts';
import { sweepDeadOwners } from './temp-dirs.ts';
import { ProcessWatchdog } from './environment/process-watchdog.ts';
import { SUPPORTED_RUNTIMES, pythonRuntimeProblem } from './environment/runtimes.ts';
import { createHttpApp } from './http/http-app.ts';
import { guardPolicy } from './http/bind-address.ts';
import { registerInternalRoutes } from './http/internal-routes.ts';
import { registerWebViewRoutes } from './http/web-view-routes.ts';
import { EventBus } from './events/event-bus.ts';
import { InvocationHistory } from './events/invocation-history.ts';
import { registerManagementRoutes } from './http/management-routes.ts';
import { PollerInvoker } from './invoke/poller-invoker.ts';
import type { EsmManager } from '../pollers/esm/manager.ts';
import type { QueueDirectory } from '../services/sqs/queue.ts';
import type { EmbeddedQueues } from '../services/sqs/embedded-queues.ts';
import { createTemplateQueues } from './template/queue-resources.ts';
import type { StreamRegistry } from '../services/streams/stream-registry.ts';
import type { WireDispatcher } from './http/wire-dispatch.ts';
import { openQueues, wireEventSources } from './event-sources.ts';
import { emulatorUrl, sdkEndpointVars } from './environment/sdk-endpoints.ts';
import { invokeFastPath, registerInvokeRoutes } from './http/invoke-routes.ts';
import { InvocationService } from './invoke/invocation-service.ts';
import { createLogger } from './logger.ts';
import { CodeWatcher } from './dev/code-watcher.ts';
import { devSetup } from './dev/dev-setup.ts';
import { stopBundler } from './build/typescript-bundle.ts';
import type { DebugTarget } from './dev/debug.ts';
import type { LoadedTemplate } from './model.ts';
import type { Options } from './options.ts';
import { AsyncInvoker } from './async/async-invoker.ts';
import { Destinations, destinationWarnings } from './async/destinations.ts';
import { Metrics } from './metrics.ts';
import { ConcurrencyLimiter } from './pool/concurrency-limiter.ts';
import { EnvironmentPool } from './pool/environment-pool.ts';
import { Registry } from './registry/registry.ts';
import { deployTemplateVersions, republishAutoAliases } from './registry/template-versions.ts';
import { registerAliasRoutes } from './http/alias-routes.ts';
import { registerConcurrencyRoutes } from './http/concurrency-routes.ts';
import { registerEventInvokeConfigRoutes } from './http/event-invoke-config-routes.ts';
import { registerFunctionWriteRoutes } from './http/function-write-routes.ts';
import { registerTagRoutes } from './http/tag-routes.ts';
import { formatWarnings, loadTemplate } from './template/load-template.ts';
import { type FrontDoorModule, wireFrontDoor } from './front-door/wire-front-door.ts';

export const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface AppOverrides {
  logger?: Logger;
  /** Where function output is relayed (default: stdout). */
  output?: OutputSink;
  /** Create the template's event source mappings (default true; `ephemera invoke` runs none). */
  templateMappings?: boolean;
}

export interface Ephemera {
  app: FastifyInstance;
  registry: Registry;
  pool: EnvironmentPool;
  isolation: IsolationInfo;
  template: LoadedTemplate;
  /** Settles once provisioned-concurrency environments have initialised (or failed to). */
  ready: Promise<void>;
  asyncInvoker: AsyncInvoker;
  /** Runs functions for pollers and destinations (name or ARN, qualified or not). */
  pollerInvoker: PollerInvoker;
  /** SQS / Kinesis / DynamoDB Streams wire protocols on the main port register here. */
  wire: WireDispatcher;
  /** Event source mappings (template and API); pollers register their factories here. */
  esm: EsmManager;
  /** Every queue destinations and pollers can reach: the sources in `queueSources`, in order. */
  queues: QueueDirectory;
  /** Queue sources in lookup order: the embedded queues first, then external endpoints. */
  queueSources: QueueDirectory[];
  /** The embedded SQS queues (also the first of `queueSources`). */
  sqs: EmbeddedQueues;
  /** Embedded Kinesis and DynamoDB streams (plus external stream endpoints) the stream pollers read. */
  streams: StreamRegistry;
  /** --watch: the code watcher (its `ready` settles once the initial scan is done). */
  watcher?: CodeWatcher;
  /** The HTTP front door (API Gateway APIs, function URLs): main.ts calls `frontDoor.frontDoor.listen`. */
  frontDoor: FrontDoorModule;
  /** --debug / --debug-port: the function whose runtime listens for a debugger, and the port. */
  debugTarget?: DebugTarget;
  /** Stop accepting requests and shut every environment down. */
  close(): Promise<void>;
  /** Tell the app the URL it listens at (after `listen` on port 0): functions' SDK endpoints use it. */
  listening(url: string): void;
}

export function buildApp(options: Options, overrides: AppOverrides = {}): Ephemera {
  const logger = overrides.logger ?? createLogger(options.logLevel);
  const isolation = detectIsolation(options.isolation);
  // Temp dirs left by emulators that could not clean up (killed with SIGKILL): see temp-dirs.ts.
  const swept = sweepDeadOwners(undefined, (dir, err) => logger.warn({ dir, err: err.message }, 'cannot remove a dead emulator\'s temp dir'));
  if (swept.length > 0) logger.info({ dirs: swept }, 'removed temp dirs of emulators that are gone');
  const ctx = { region: options.region, accountId: options.accountId };
  // With --sdk-endpoints and a known port, `!Ref Queue` gives the emulator's queue URL: the AWS SDK for
  // JavaScript sends to a QueueUrl's own host, so an AWS URL would bypass AWS_ENDPOINT_URL_SQS.
  const localUrl = options.sdkEndpoints && options.port !== 0 ? emulatorUrl(options.host, options.port) : undefined;
  const templateOptions = { ...ctx, parameterOverrides: options.parameterOverrides, queueUrlBase: localUrl };
  const template = loadTemplate(options.template, templateOptions);
  const warnings = [...template.warnings];
  // Embedded SQS queues (kept under <data-dir>/sqs/ with --data-dir), the template's created at once.
  const sqs = openQueues(options);
  warnings.push(...createTemplateQueues(template, sqs));
  for (const fn of template.functions) {
    if (!SUPPORTED_RUNTIMES.test(fn.runtime)) {
      warnings.push({ resource: fn.logicalId, message: `Runtime ${fn.runtime} is not supported yet: invoking it returns Runtime.InvalidRuntime` });
    } else if (fn.runtime.startsWith('python')) {
      const problem = pythonRuntimeProblem(fn.runtime);
      if (problem) warnings.push({ resource: fn.logicalId, message: problem });
    }
  }
  warnings.push(...destinationWarnings(template.functions, ctx));
  // The dev loop (server/dev/): --env-vars values, the --debug target.
  const dev = devSetup(options, template.functions);
  for (const message of dev.warnings) warnings.push({ resource: '', message });
  if (warnings.length) logger.warn(formatWarnings(warnings));

  // Variables every environment gets before the function's own: leak tracking, and (--sdk-endpoints) the
  // emulator's URL for the functions' own AWS SDK calls, known now for a fixed port, else once listening.
  const extraEnv: Record<string, string> = options.leaks === 'off' ? {} : { _EPHEMERA_LEAKS: '1' };
  const listening = (url: string): void => {
    if (options.sdkEndpoints) Object.assign(extraEnv, sdkEndpointVars(url));
  };
  if (localUrl) listening(localUrl);
  const registry = new Registry(template.functions, ctx);
  const output = overrides.output ?? new StreamOutputSink(process.stdout);
  // The web view's live feed (GET /_ephemera/events) and recent invocations (GET /_ephemera/invocations).
  const events = new EventBus();
  const history = new InvocationHistory(100, events);
  // Process isolation: what environments left running is killed even if the emulator is SIGKILLed.
  const watchdog = isolation.level === 'process' ? new ProcessWatchdog() : undefined;
  const pool = new EnvironmentPool(
    { extraEnv, accountId: options.accountId, isolation: isolation.level, parentDeathGuard: isolation.parentDeathGuard, watchdog, region: options.region, output, logger, dev: dev.context, events },
    new ConcurrencyLimiter(options.maxConcurrency),
    options.keepAlive * 1000,
  );
  const metrics = new Metrics();
  const invoker = new InvocationService(pool, { initLimitMs: options.initTimeout * 1000, leakMode: options.leaks, metrics, history });
  // Versions and aliases of the template (AutoPublishAlias, AWS::Lambda::Version/Alias), then the
  // provisioned concurrency of each version or alias (registry/template-versions.ts).
  registry.runtime = pool;
  const versionWarnings = deployTemplateVersions(registry, template);
  if (versionWarnings.length) logger.warn(formatWarnings(versionWarnings));
  const ready = Promise.all(registry.all().filter((e) => e.provisioned.size > 0).map((e) => registry.applyProvisioned(e))).then(() => undefined);

  // Destinations reach queues and functions through objects built further down (used only after start).
  const destinations = new Destinations({
    queues: () => sources.queues,
    invokeAsync: (ref, payload) => pollerInvoker.invokeAsync(ref, payload),
    logger,
  });
  const asyncInvoker = new AsyncInvoker(invoker, {
    timeScale: options.timeScale, logger, destinations,
    current: (fn) => (fn.version === '$LATEST' ? registry.entry(fn.config.name)?.latest.fv : registry.entry(fn.config.name)?.versions.get(fn.version)?.fv),
  });
  const invokeDeps = { registry, invoker, asyncInvoker };
  const app = createHttpApp(logger, invokeFastPath(invokeDeps, (err) => logger.error({ err }, 'unexpected error while invoking')), guardPolicy(options));
  registerInvokeRoutes(app, invokeDeps);
  registerManagementRoutes(app, registry);
  registerFunctionWriteRoutes(app, registry, logger);
  registerAliasRoutes(app, registry);
  registerTagRoutes(app, registry);
  registerEventInvokeConfigRoutes(app, registry);
  registerConcurrencyRoutes(app, {
    registry, accountLimit: options.maxConcurrency,
    ready: (name, version) => pool.provisioned().find((p) => p.function === name && p.version === version)?.ready ?? 0,
  });
  // The HTTP front door (server/front-door/): APIs and function URLs on --api-port, the URL config API here.
  const frontDoor = wireFrontDoor({
    app, registry, invoker, events, logger, region: options.region, accountId: options.accountId, template, watch: options.watch,
    guardPolicy: guardPolicy(options),
    reloadTemplate: () => loadTemplate(options.template, templateOptions),
  });
  if (frontDoor.warnings.length) logger.warn(formatWarnings(frontDoor.warnings));
  registerInternalRoutes(app, { registry, pool, isolation, metrics, version: VERSION, frontDoor: () => frontDoor.frontDoor.describe() });
  registerWebViewRoutes(app, { events, history });
  const pollerInvoker = new PollerInvoker(registry, invoker, asyncInvoker);
  const sources = wireEventSources({ app, options, template, registry, pollerInvoker, logger, sqs, templateMappings: overrides.templateMappings ?? true });

  // A code change redeploys like `sam sync`: functions with AutoPublishAlias get a new version and the alias moves.
  const recycler = {
    recycle: (name: string, reason: string): Promise<number> => {
      const version = republishAutoAliases(registry, template, name);
      if (version) logger.info(`${name}: published version ${version} for its AutoPublishAlias`);
      return pool.recycle(name, reason);
    },
  };
  const watcher = options.watch ? new CodeWatcher(template.functions, recycler, logger, undefined, options.dataDir === undefined ? [] : [options.dataDir]) : undefined;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await watcher?.close();
      await frontDoor.close();
      asyncInvoker.close();
      await sources.stop();
      await pool.close();
      await watchdog?.close();
      registry.code.close();
      await stopBundler();
      try {
        await app.close();
      } finally {
        sqs.close();
      }
    })();
    return closing;
  };
  const { wire, esm, queues, queueSources, streams } = sources;
  return {
    app, registry, pool, isolation, template, ready: Promise.all([ready, sources.ready]).then(() => undefined), asyncInvoker,
    pollerInvoker, wire, esm, queues, queueSources, sqs, streams, watcher, frontDoor, debugTarget: dev.context.debug, close, listening,
  };
}
