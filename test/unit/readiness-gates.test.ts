// runtime-api's readiness gates, table-driven: sequences of what the runtime and the extensions call,
// and the gates the host is told of (each exactly once, in order).
import { describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { type Extension, type ExtensionEventType, ExtensionRegistry } from '../../runtime-api/extension-state.ts';
import { ReadinessGates } from '../../runtime-api/readiness.ts';

type Step =
  | `register ${string}` // name: INVOKE subscriber; "name!" launched from /opt/extensions
  | `ext-next ${string}` // the extension parks in event/next (its queue drained)
  | `ext-busy ${string}` // the extension took an event and works on it
  | 'runtime-next' // the runtime asks for work after starting or after answering
  | `dispatch ${string}`; // an invocation handed over (INVOKE queued for subscribers)

const parkedResponse = {} as ServerResponse;

function drive(externals: number, steps: Step[]): string[] {
  const registry = new ExtensionRegistry();
  const told: string[] = [];
  const gates = new ReadinessGates(registry, externals, {
    extensionsRegistered: () => told.push('externals-registered'),
    initReady: () => told.push('init-ready'),
    invocationDone: (id) => told.push(`done ${id}`),
  });
  const byName = new Map<string, Extension>();
  for (const step of steps) {
    const [verb, arg = ''] = step.split(' ');
    if (verb === 'register') {
      const name = arg.replace('!', '');
      const ext: Extension = { id: name, name, events: new Set<ExtensionEventType>(['INVOKE']), external: arg.endsWith('!'), parked: undefined, queue: [], readyOnce: false };
      registry.byId.set(name, ext);
      byName.set(name, ext);
      gates.registered(ext);
    } else if (verb === 'ext-next') {
      const ext = byName.get(arg)!;
      ext.queue = [];
      ext.parked = parkedResponse;
      ext.readyOnce = true;
      gates.extensionNext();
    } else if (verb === 'ext-busy') {
      const ext = byName.get(arg)!;
      ext.queue.shift(); // delivered
      ext.parked = undefined;
    } else if (verb === 'runtime-next') {
      gates.runtimeNext();
    } else {
      for (const ext of registry.subscribers('INVOKE')) ext.queue.push({ eventType: 'INVOKE', deadlineMs: 0, requestId: arg });
      gates.dispatched(arg);
    }
  }
  return told;
}

const ROWS: Array<{ name: string; externals: number; steps: Step[]; told: string[] }> = [
  { name: 'no extensions: INIT when the runtime asks', externals: 0, steps: ['runtime-next'], told: ['init-ready'] },
  {
    name: 'no extensions: an invocation is done when the runtime is back',
    externals: 0,
    steps: ['runtime-next', 'dispatch r1', 'runtime-next', 'dispatch r2', 'runtime-next'],
    told: ['init-ready', 'done r1', 'done r2'],
  },
  { name: 'a runtime /next with nothing running tells nothing', externals: 0, steps: ['runtime-next', 'runtime-next'], told: ['init-ready'] },
  {
    name: 'INIT waits for every registered extension to ask',
    externals: 0,
    steps: ['register a', 'register b', 'runtime-next', 'ext-next a', 'ext-next b'],
    told: ['init-ready'],
  },
  {
    name: 'an extension that asked before the runtime: INIT when the runtime asks',
    externals: 0,
    steps: ['register a', 'ext-next a', 'runtime-next'],
    told: ['init-ready'],
  },
  {
    name: 'external extensions: the runtime may start once all of them registered',
    externals: 2,
    steps: ['register x!', 'register inner', 'register y!', 'ext-next x', 'ext-next y', 'ext-next inner', 'runtime-next'],
    told: ['externals-registered', 'init-ready'],
  },
  {
    name: 'an invocation waits for the INVOKE subscriber, whichever comes back last',
    externals: 0,
    steps: ['register a', 'ext-next a', 'runtime-next', 'dispatch r1', 'ext-busy a', 'runtime-next', 'ext-next a', 'dispatch r2', 'ext-busy a', 'ext-next a', 'runtime-next'],
    told: ['init-ready', 'done r1', 'done r2'],
  },
  {
    name: 'an event dispatched before the first /next: INIT first, the invocation after its answer',
    externals: 0,
    steps: ['dispatch r1', 'runtime-next', 'runtime-next'],
    told: ['init-ready', 'done r1'],
  },
  {
    name: 'extensions parking again after the invocation is done tell nothing more',
    externals: 0,
    steps: ['register a', 'ext-next a', 'runtime-next', 'dispatch r1', 'ext-busy a', 'ext-next a', 'runtime-next', 'ext-next a', 'ext-next a'],
    told: ['init-ready', 'done r1'],
  },
];

describe('readiness gates', () => {
  for (const row of ROWS) {
    it(row.name, () => {
      expect(drive(row.externals, row.steps)).toEqual(row.told);
    });
  }
});
