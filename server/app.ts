// The composition root: buildApp builds the emulator's feature modules (server/features/) in
// dependency order, each from the ones before it, mounts them on the main port and returns the handle
// main.ts listens with. It does not listen itself; tests call buildApp and listen on port 0.
import type { FastifyInstance } from 'fastify';
import type { EsmManager } from '../pollers/esm/manager.ts';
import type { SnsTopics } from '../services/sns/sns-topics.ts';
import type { Deliveries } from '../services/sns/sns-delivery.ts';
import type { EmbeddedQueues } from '../services/sqs/embedded-queues.ts';
import type { QueueDirectory } from '../services/sqs/queue.ts';
import type { StreamRegistry } from '../services/streams/stream-registry.ts';
import type { EventBuses } from '../services/eventbridge/event-buses.ts';
import type { Schedules } from '../services/scheduler/schedules.ts';
import type { Timetable } from '../services/scheduling/timetable.ts';
import type { AsyncInvoker } from './async/async-invoker.ts';
import type { TopicPublisher } from './async/destinations.ts';
import type { DebugTarget } from './build/inspector.ts';
import type { CodeWatcher } from './dev/code-watcher.ts';
import type { IsolationInfo } from './environment/isolation.ts';
import { AsyncInvocation } from './features/async-invocation.ts';
import { type AppOverrides, loadBase } from './features/base.ts';
import { DevLoop } from './features/dev-loop.ts';
import { DurableFunctionsFeature } from './features/durable-functions.ts';
import type { DurableFunctions } from './durable/durable-functions.ts';
import { EmbeddedServices } from './features/embedded-services.ts';
import { EventBridgeFeature } from './features/event-bridge.ts';
import { EventSourceMappings } from './features/event-source-mappings.ts';
import { FrontDoorFeature } from './features/front-door.ts';
import { SnsFeature } from './features/sns.ts';
import type { Feature } from './features/feature.ts';
import { InvokeApi } from './features/invoke-api.ts';
import { InvocationCore } from './features/invocation-core.ts';
import { MainPort } from './features/main-port.ts';
import { managementApi } from './features/management-api.ts';
import { SchedulerFeature } from './features/scheduler.ts';
import { webView } from './features/web-view.ts';
import type { FunctionConfig, LoadedTemplate } from './model.ts';
import type { Options } from './options.ts';
import type { EnvironmentPool } from './pool/environment-pool.ts';
import type { SandboxPool } from './pool/sandbox-pool.ts';
import type { Registry } from './registry/registry.ts';

export type { AppOverrides };

export interface Ephemera {
  /** The main port's fastify app: `listen` on it, or `inject` requests. */
  app: FastifyInstance;
  /** Settles once provisioned environments and the template's mappings are up (or reported as failed). */
  ready: Promise<void>;
  /** Tell the app the URL it listens at (after `listen` on port 0): functions' SDK endpoints use it. */
  listening(url: string): void;
  /** Stop every feature (last built first), close the main port, then release files and locks. */
  close(): Promise<void>;
  /** The functions served ($LATEST configurations). */
  functions(): FunctionConfig[];
  isolation: IsolationInfo;
  /** --watch: the code watcher (its `ready` settles once the initial scan is done). */
  watcher?: CodeWatcher;
  /** --debug / --debug-port: the function whose runtime listens for a debugger, and the port. */
  debugTarget?: DebugTarget;
  /** The HTTP front door (API Gateway APIs, function URLs) on its own port: main.ts calls `frontDoor.frontDoor.listen`. */
  frontDoor: FrontDoorFeature;
  internals: EphemeraInternals;
}

/** Objects the feature modules built, for tests and benchmarks. Not an API: it follows the wiring. */
export interface EphemeraInternals {
  template: LoadedTemplate;
  registry: Registry;
  pool: EnvironmentPool;
  /** Blank sandboxes for cold starts (--sandbox-pool). */
  sandboxes: SandboxPool;
  asyncInvoker: AsyncInvoker;
  esm: EsmManager;
  /** Every queue destinations and pollers reach (embedded, then --sqs-endpoint). */
  queues: QueueDirectory;
  /** The embedded SQS queues. */
  sqs: EmbeddedQueues;
  streams: StreamRegistry;
  /** Durable executions (server/durable/). */
  durable: DurableFunctions;
  /** The embedded EventBridge's buses and rules. */
  eventBuses: EventBuses;
  /** The embedded EventBridge Scheduler's schedules. */
  schedules: Schedules;
  /** The timers of scheduled rules and schedules. */
  timetable: Timetable;
  /** The embedded SNS topics and their subscriptions. */
  sns: SnsTopics;
  /** Deliveries from topics in flight or waiting for a retry (`idle()` settles when there are none). */
  snsDeliveries: Deliveries;
}

export function buildApp(options: Options, overrides: AppOverrides = {}): Ephemera {
  const base = loadBase(options, overrides);
  const services = new EmbeddedServices(base);
  const core = new InvocationCore(base);
  // Durable functions: the doors below invoke through its door (a durable function runs as an execution).
  const durable = new DurableFunctionsFeature(base, core);
  // SNS delivers to functions through the asynchronous invoker, whose destinations and dead-letter
  // targets may be SNS topics: the invoker publishes through this port, which reaches the SNS feature
  // built below (no event finishes before every feature is built).
  const topics: TopicPublisher = { publish: (arn, message, attributes) => void sns.publisher.publish(arn, { message, attributes }) };
  const async = new AsyncInvocation(base, core, services, durable, topics);
  const invokeApi = new InvokeApi(base, core, async, durable);
  const mappings = new EventSourceMappings(base, core, services, durable);
  // EventBridge buses, rules and scheduled rules; Scheduler schedules fire on its timetable and deliveries.
  // Rule targets may be SNS topics too (the same late-bound port as the invoker's, but one that throws, so
  // a missing topic goes to the target's dead-letter queue).
  const eventBridge = new EventBridgeFeature(base, core, async, services, { publish: (arn, message) => void sns.publisher.publish(arn, { message }) });
  const scheduler = new SchedulerFeature(base, eventBridge);
  const sns = new SnsFeature(base, core, async, services, mappings);
  const management = managementApi(base, core);
  const frontDoor = new FrontDoorFeature(base, core, durable);
  const dev = new DevLoop(base, core);
  const web = webView(base, core, frontDoor);
  const features: Feature[] = [services, core, durable, async, invokeApi, mappings, eventBridge, scheduler, sns, management, frontDoor, dev, web];
  base.warnings.log(base.logger);
  const port = new MainPort(base, invokeApi, features);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= closeAll(features, port);
    return closing;
  };
  return {
    app: port.app,
    ready: Promise.all(features.map((f) => f.ready)).then(() => undefined),
    listening: (url) => {
      core.listening(url);
      durable.listening();
      sns.listening(url);
    },
    close,
    functions: () => core.registry.list().map((f) => f.config),
    isolation: base.isolation,
    watcher: dev.watcher,
    debugTarget: dev.debugTarget,
    frontDoor,
    internals: {
      template: base.template, registry: core.registry, pool: core.pool, sandboxes: core.sandboxes, asyncInvoker: async.invoker,
      esm: mappings.esm, queues: services.queues, sqs: services.sqs, streams: services.streams, durable: durable.durable,
      eventBuses: eventBridge.buses, schedules: scheduler.schedules, timetable: eventBridge.timetable,
      sns: sns.topics, snsDeliveries: sns.deliveries,
    },
  };
}

/** Every feature stops (last built first), then the main port closes, then files and locks are released;
 * one failing step does not keep the others from running (the first error is rethrown at the end). */
async function closeAll(features: readonly Feature[], port: MainPort): Promise<void> {
  const errors: unknown[] = [];
  const attempt = async (step: () => unknown): Promise<void> => {
    try {
      await step();
    } catch (err) {
      errors.push(err);
    }
  };
  const reversed = [...features].reverse();
  for (const feature of reversed) await attempt(() => feature.close?.());
  await attempt(() => port.close());
  for (const feature of reversed) await attempt(() => feature.release?.());
  if (errors.length > 0) throw errors[0];
}
