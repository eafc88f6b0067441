// The invocation core every door runs functions through: the environment pool (concurrency limits,
// keep-alive), the registry of functions, versions and aliases (the template's versions deployed and
// their provisioned concurrency started), and the invocation service. Owns the environments, the code
// store and the TypeScript bundler, and closes them.
import { stopBundler } from '../build/typescript-bundle.ts';
import type { FastifyInstance } from 'fastify';
import { type EndpointInput, emulatorUrl, endpointsLine, sdkEndpointVars } from '../environment/sdk-endpoints.ts';
import { registerNotEmulatedRoutes } from '../http/not-emulated.ts';
import { InvocationService } from '../invoke/invocation-service.ts';
import { Metrics } from '../metrics.ts';
import { ProcessWatchdog } from '../environment/process-watchdog.ts';
import { ConcurrencyLimiter } from '../pool/concurrency-limiter.ts';
import { EnvironmentPool } from '../pool/environment-pool.ts';
import { SandboxPool } from '../pool/sandbox-pool.ts';
import { CodeStore } from '../registry/code-store.ts';
import { Registry } from '../registry/registry.ts';
import { deployTemplateVersions } from '../registry/template-versions.ts';
import type { Base } from './base.ts';
import type { Feature } from './feature.ts';

export class InvocationCore implements Feature {
  readonly pool: EnvironmentPool;
  readonly registry: Registry;
  readonly service: InvocationService;
  readonly metrics = new Metrics();
  /** Blank sandboxes for cold starts (--sandbox-pool). */
  readonly sandboxes: SandboxPool;
  /** Settles once the provisioned environments have initialised (or failed to). */
  readonly ready: Promise<void>;
  private readonly code = new CodeStore();
  /** Process isolation: what environments left running is killed even if the emulator is SIGKILLed. */
  private readonly watchdog: ProcessWatchdog | undefined;
  /** Where the functions' AWS calls go, given the emulator's URL (--sdk-endpoints, --endpoint-url, the emulator's own AWS_ENDPOINT_URL_*). */
  private readonly endpoints: (url: string) => EndpointInput;
  /** Variables every environment gets before the function's own (the pool reads this object). */
  private readonly extraEnv: Record<string, string>;

  constructor(base: Base) {
    const { options, isolation, account, logger } = base;
    this.endpoints = (url) => ({ url, sdkEndpoints: options.sdkEndpoints, flags: options.endpointUrls, hostEnv: process.env });
    const note = endpointsLine(this.endpoints(base.localUrl ?? emulatorUrl(options.host, options.port)));
    if (note) logger.info(note);
    // (--sdk-endpoints) the emulator's URL for the functions' own AWS SDK calls: known now for a fixed
    // port, else once listening. (Leak tracking reaches our runtime clients in their settings, not here.)
    this.extraEnv = {};
    if (base.localUrl) this.listening(base.localUrl);
    this.watchdog = isolation.level === 'process' ? new ProcessWatchdog() : undefined;
    this.sandboxes = new SandboxPool({
      size: options.sandboxPool, clock: base.clock, parentDeathGuard: isolation.parentDeathGuard, watchdog: this.watchdog, logger,
    });
    this.pool = new EnvironmentPool(
      {
        extraEnv: this.extraEnv, reportLeaks: options.leaks !== 'off', accountId: account.accountId, isolation: isolation.level, parentDeathGuard: isolation.parentDeathGuard,
        watchdog: this.watchdog, region: account.region, output: base.output, logger, dev: base.dev, events: base.events, clock: base.clock,
        blanks: this.sandboxes,
      },
      new ConcurrencyLimiter(options.maxConcurrency),
      options.keepAlive * 1000,
      base.clock,
    );
    this.registry = new Registry(base.template.functions, account, { runtime: this.pool, code: this.code });
    this.service = new InvocationService(this.pool, {
      initLimitMs: options.initTimeout * 1000, leakMode: options.leaks, metrics: this.metrics, output: base.output, history: base.history,
    });
    // Versions and aliases of the template (AutoPublishAlias, AWS::Lambda::Version/Alias), then the
    // provisioned concurrency of each version or alias (registry/template-versions.ts).
    base.warnings.add(deployTemplateVersions(this.registry, base.template));
    const provisioned = this.registry.all().filter((e) => e.provisioned.size > 0);
    this.ready = Promise.all(provisioned.map((e) => this.registry.applyProvisioned(e))).then(() => undefined);
  }

  /** The URL the emulator listens at: the functions' AWS SDKs are pointed at it (environment/sdk-endpoints.ts). */
  listening(url: string): void {
    Object.assign(this.extraEnv, sdkEndpointVars(this.endpoints(url)));
  }

  /** What a function's SDK gets from a service ephemera does not emulate (AWS_ENDPOINT_URL points here). */
  routes(app: FastifyInstance): void {
    registerNotEmulatedRoutes(app);
  }

  async close(): Promise<void> {
    await this.sandboxes.close();
    await this.pool.close();
    await this.watchdog?.close();
    this.code.close();
    await stopBundler();
  }
}
