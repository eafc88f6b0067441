// The readiness gates of one environment, as RIE keeps them: when the runtime may start, when INIT is
// done and when an invocation is done. Pure bookkeeping over the extension registry: the listener feeds
// it what the runtime and the extensions call, and it tells its listener once per gate passed.
import type { Extension, ExtensionRegistry } from './extension-state.ts';

export interface GateListener {
  /** Every external extension launched with the environment has registered: the runtime may start. */
  extensionsRegistered(): void;
  /** INIT is done: the runtime and every registered extension have asked for their next event. */
  initReady(): void;
  /** The invocation is done: the runtime answered it and is back at /next, and so is every INVOKE subscriber. */
  invocationDone(requestId: string): void;
}

export class ReadinessGates {
  private initDone = false;
  /** INIT: the runtime has asked for work once. */
  private runtimeReady = false;
  /** The invocation handed over and not yet done. */
  private invoking: string | undefined;
  /** The runtime answered the invocation and is back at /next. */
  private runtimeBack = false;
  private externalsRegistered = 0;
  private readonly registry: ExtensionRegistry;
  private readonly externals: number;
  private readonly listener: GateListener;

  /** `externals`: how many external extensions the environment launched (they register before the runtime starts). */
  constructor(registry: ExtensionRegistry, externals: number, listener: GateListener) {
    this.registry = registry;
    this.externals = externals;
    this.listener = listener;
  }

  /** An extension registered (only possible during INIT: registration closes at the runtime's first /next). */
  registered(ext: Extension): void {
    if (ext.external && ++this.externalsRegistered === this.externals) this.listener.extensionsRegistered();
  }

  /** The runtime asked for work after starting or after answering (not a repeated /next mid-invocation). */
  runtimeNext(): void {
    if (!this.initDone) {
      this.runtimeReady = true;
      return this.checkInit();
    }
    if (this.invoking === undefined) return;
    this.runtimeBack = true;
    this.checkInvocation();
  }

  /** An extension is parked in event/next with nothing queued for it. */
  extensionNext(): void {
    if (this.initDone) this.checkInvocation();
    else this.checkInit();
  }

  /** An invocation was handed to the runtime (and INVOKE to its subscribers). */
  dispatched(requestId: string): void {
    this.invoking = requestId;
    this.runtimeBack = false;
  }

  private checkInit(): void {
    if (!this.runtimeReady || !this.registry.all.every((e) => e.readyOnce) || !this.registry.allParked()) return;
    this.initDone = true;
    this.listener.initReady();
  }

  private checkInvocation(): void {
    const requestId = this.invoking;
    if (requestId === undefined || !this.runtimeBack || !this.registry.allParked('INVOKE')) return;
    this.invoking = undefined;
    this.listener.invocationDone(requestId);
  }
}
