// What every feature module starts from: the options, logger and isolation level, the account, the
// template (with the dev loop's --env-vars and --debug applied), the sinks that watch the emulator
// (function output, the web view's event bus and invocation history), and the start-up warnings.
import type { Logger } from 'pino';
import { type Clock, systemClock } from '../../lib/clock.ts';
import type { DevContext } from '../build/prepare-launch.ts';
import { devSetup } from '../dev/dev-setup.ts';
import { type OutputSink, StreamOutputSink } from '../environment/function-log.ts';
import { type IsolationInfo, detectIsolation } from '../environment/isolation.ts';
import { emulatorUrl } from '../environment/sdk-endpoints.ts';
import { EventBus } from '../events/event-bus.ts';
import { InvocationHistory } from '../events/invocation-history.ts';
import { createLogger } from '../logger.ts';
import { sweepDeadOwners } from '../temp-dirs.ts';
import type { LoadedTemplate, TemplateWarning } from '../model.ts';
import type { Options } from '../options.ts';
import type { AccountContext } from '../registry/registry.ts';
import { formatWarnings, loadTemplate } from '../template/load-template.ts';

export interface AppOverrides {
  logger?: Logger;
  /** Where function output is relayed (default: stdout). */
  output?: OutputSink;
  /** Create the template's event source mappings (default true; `ephemera invoke` runs none). */
  templateMappings?: boolean;
  /** The emulator's time (default: the system clock); tests pass one they move. */
  clock?: Clock;
}

/** Warnings the features find while they are built, logged as one message once all are built. */
export class StartupWarnings {
  private readonly list: TemplateWarning[] = [];

  add(warnings: readonly TemplateWarning[]): void {
    this.list.push(...warnings);
  }

  log(logger: Logger): void {
    if (this.list.length) logger.warn(formatWarnings(this.list));
  }
}

export interface Base {
  readonly options: Options;
  readonly logger: Logger;
  /** What every wait and age of AWS's rules runs on (async retries, pollers, queues, streams, keep-alive, caches). */
  readonly clock: Clock;
  readonly isolation: IsolationInfo;
  readonly account: AccountContext;
  readonly template: LoadedTemplate;
  /** Loads the template file again, as at start-up (the front door's --watch). */
  readonly reloadTemplate: () => LoadedTemplate;
  /** What environments need from the dev loop: runtimes, dependencies, the --debug target, the bundle cache. */
  readonly dev: DevContext;
  /** Settles once Node majors are fetched (--fetch-runtimes) and dependencies built (the dev loop's `ready`). */
  readonly devReady: Promise<void>;
  readonly output: OutputSink;
  /** The web view's live feed (GET /_ephemera/events), fed by environments and invocations. */
  readonly events: EventBus;
  /** Recent invocations (GET /_ephemera/invocations). */
  readonly history: InvocationHistory;
  /** The emulator's URL when known before it listens (--sdk-endpoints with a fixed port). */
  readonly localUrl: string | undefined;
  readonly warnings: StartupWarnings;
  /** Create the template's event source mappings (false for a one-shot `ephemera invoke`). */
  readonly templateMappings: boolean;
}

export function loadBase(options: Options, overrides: AppOverrides): Base {
  const logger = overrides.logger ?? createLogger(options.logLevel);
  const isolation = detectIsolation(options.isolation);
  // Temp dirs left by emulators that could not clean up (killed with SIGKILL): see temp-dirs.ts.
  const swept = sweepDeadOwners(undefined, (dir, err) => logger.warn({ dir, err: err.message }, 'cannot remove a dead emulator\'s temp dir'));
  if (swept.length > 0) logger.info({ dirs: swept }, 'removed temp dirs of emulators that are gone');
  const account = { region: options.region, accountId: options.accountId };
  // With --sdk-endpoints and a known port, `!Ref Queue` gives the emulator's queue URL: the AWS SDK for
  // JavaScript sends to a QueueUrl's own host, so an AWS URL would bypass AWS_ENDPOINT_URL_SQS.
  const localUrl = options.sdkEndpoints && options.port !== 0 ? emulatorUrl(options.host, options.port) : undefined;
  const templateOptions = { ...account, parameterOverrides: options.parameterOverrides, queueUrlBase: localUrl };
  const template = loadTemplate(options.template, templateOptions);
  const warnings = new StartupWarnings();
  warnings.add(template.warnings);
  // The dev loop's start-up part (server/dev/): --env-vars values, what the functions run on (a runtime
  // ephemera cannot run at all was reported by the template loader), the --debug target.
  const dev = devSetup(options, template.functions, logger);
  warnings.add(dev.warnings.map((message) => ({ resource: '', message })));
  warnings.add(dev.runtimeWarnings);
  for (const note of dev.notes) logger.info(note);
  // Warnings known only once Node majors are fetched: their own message then.
  const devReady = dev.ready.then((late) => {
    if (late.length) logger.warn(formatWarnings(late));
  });
  const events = new EventBus();
  return {
    options, logger, clock: overrides.clock ?? systemClock, isolation, account, template, dev: dev.context, devReady, localUrl, warnings,
    reloadTemplate: () => loadTemplate(options.template, templateOptions),
    output: overrides.output ?? new StreamOutputSink(process.stdout),
    events, history: new InvocationHistory(100, events),
    templateMappings: overrides.templateMappings ?? true,
  };
}
