// AsyncInvoker against a recording invocation service and the real registry: retries run what the
// function is at the time of the retry (updated code, reserved concurrency 0, deleted function).
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { AsyncInvoker } from '../../server/async/async-invoker.ts';
import type { Destinations, FinishedEvent } from '../../server/async/destinations.ts';
import type { InvocationService, InvokeRequest } from '../../server/invoke/invocation-service.ts';
import type { FunctionConfig, FunctionVersion } from '../../server/model.ts';
import { Registry } from '../../server/registry/registry.ts';

const ctx = { region: 'us-east-1', accountId: '000000000000' };
const config: FunctionConfig = {
  name: 'fn', logicalId: 'Fn', codeDir: '/old', handler: 'index.handler', runtime: 'nodejs24.x', memorySize: 128, timeout: 3,
  environment: {}, ephemeralStorage: 512, description: '', architecture: 'x86_64', logFormat: 'Text',
};

function harness() {
  const registry = new Registry([{ ...config }], ctx);
  const calls: InvokeRequest[] = [];
  let onCall: (n: number) => void = () => {};
  const service = {
    invoke: async (req: InvokeRequest) => {
      calls.push(req);
      onCall(calls.length);
      return { requestId: req.requestId!, executedVersion: req.fn.version, functionError: 'Unhandled', payload: Buffer.from('{"errorMessage":"no"}') };
    },
  } as unknown as InvocationService;
  const finished: FinishedEvent[] = [];
  const destinations = { finish: async (ev: FinishedEvent) => { finished.push(ev); } } as unknown as Destinations;
  const current = (fn: FunctionVersion) => {
    const e = registry.entry(fn.config.name);
    return fn.version === '$LATEST' ? e?.latest.fv : e?.versions.get(fn.version)?.fv;
  };
  const invoker = new AsyncInvoker(service, { timeScale: 0.0001, logger: pino({ level: 'silent' }), destinations, current });
  const settled = async () => {
    for (let i = 0; i < 500 && invoker.pending > 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(invoker.pending).toBe(0);
  };
  return { registry, calls, finished, invoker, settled, setOnCall: (f: (n: number) => void) => { onCall = f; } };
}

describe('asynchronous retries', () => {
  it('run the current $LATEST after an update, not the configuration the event was accepted with', async () => {
    const h = harness();
    const { fn, invokedArn } = h.registry.resolve('fn', undefined);
    h.setOnCall((n) => { if (n === 1) h.registry.updateLatest(h.registry.entry('fn')!, { ...config, codeDir: '/new' }); });
    h.invoker.enqueue(fn, invokedArn, Buffer.from('{}'));
    await h.settled();
    expect(h.calls.map((c) => c.fn.config.codeDir)).toEqual(['/old', '/new', '/new']);
    expect(h.finished.map((f) => [f.condition, f.approximateInvokeCount])).toEqual([['RetriesExhausted', 3]]);
  });

  it('end with ZeroReservedConcurrency once the reserved concurrency is set to 0', async () => {
    const h = harness();
    const { fn, invokedArn } = h.registry.resolve('fn', undefined);
    h.setOnCall(() => h.registry.setReservedConcurrency(h.registry.entry('fn')!, 0));
    h.invoker.enqueue(fn, invokedArn, Buffer.from('{}'));
    await h.settled();
    expect(h.calls).toHaveLength(1);
    expect(h.finished.map((f) => [f.condition, f.errorCode])).toEqual([['ZeroReservedConcurrency', 429]]);
  });

  it('stop when the function is deleted (no environment is started for a deleted function)', async () => {
    const h = harness();
    const { fn, invokedArn } = h.registry.resolve('fn', undefined);
    h.setOnCall((n) => { if (n === 1) void h.registry.deleteFunction(h.registry.entry('fn')!); });
    h.invoker.enqueue(fn, invokedArn, Buffer.from('{}'));
    await h.settled();
    expect(h.calls).toHaveLength(1);
    expect(h.finished).toEqual([]);
  });
});
