// What a feature module of the emulator is (server/features/): it builds its objects from the features
// built before it (constructor injection, in dependency order: see buildApp in server/app.ts) and may
// mount routes or wire protocols on the main port, say when it is ready, and close what it owns.
// A new capability (another port, another AWS service, schedules) is one more module of this shape.
import type { FastifyInstance } from 'fastify';
import type { WireDispatcher } from '../http/wire-dispatch.ts';

export interface Feature {
  /** Register AWS wire protocols (X-Amz-Target prefixes, query `Action=`) served on the main port. */
  wire?(dispatcher: WireDispatcher): void;
  /** Mount routes on the main port. */
  routes?(app: FastifyInstance): void;
  /** Settles once the feature serves (provisioned environments initialised, template mappings created). */
  readonly ready?: Promise<void>;
  /** Stop work and end what runs (timers, pollers, environments, long polls); before the main port closes. */
  close?(): Promise<void> | void;
  /** After the main port has closed: release what in-flight requests could still write to (files, locks). */
  release?(): void;
}
