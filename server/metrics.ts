// Counters the emulator keeps for GET /_ephemera/metrics: invocations, cold starts, errors,
// timeouts, throttles and leaks (by kind), in total and per function. Bounded by the function count.

export interface FunctionCounters {
  invocations: number;
  coldStarts: number;
  errors: number;
  timeouts: number;
  throttles: number;
  invocationsWithLeaks: number;
  leaks: Record<string, number>;
}

const empty = (): FunctionCounters => ({ invocations: 0, coldStarts: 0, errors: 0, timeouts: 0, throttles: 0, invocationsWithLeaks: 0, leaks: {} });

export class Metrics {
  private readonly perFunction = new Map<string, FunctionCounters>();

  of(fn: string): FunctionCounters {
    let c = this.perFunction.get(fn);
    if (!c) {
      c = empty();
      this.perFunction.set(fn, c);
    }
    return c;
  }

  leaks(fn: string, leaks: Array<{ kind: string; count: number }>): void {
    if (leaks.length === 0) return;
    const c = this.of(fn);
    c.invocationsWithLeaks++;
    for (const l of leaks) c.leaks[l.kind] = (c.leaks[l.kind] ?? 0) + l.count;
  }

  snapshot(): { total: FunctionCounters; functions: Record<string, FunctionCounters> } {
    const total = empty();
    const functions: Record<string, FunctionCounters> = {};
    for (const [name, c] of this.perFunction) {
      functions[name] = { ...c, leaks: { ...c.leaks } };
      total.invocations += c.invocations;
      total.coldStarts += c.coldStarts;
      total.errors += c.errors;
      total.timeouts += c.timeouts;
      total.throttles += c.throttles;
      total.invocationsWithLeaks += c.invocationsWithLeaks;
      for (const [k, v] of Object.entries(c.leaks)) total.leaks[k] = (total.leaks[k] ?? 0) + v;
    }
    return { total, functions };
  }
}
