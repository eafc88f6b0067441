// The leak corpus through one real emulator (namespace isolation where available: the leak
// locations must be the host's paths there too): a cold and two warm invokes of every function, no
// LEAK line for the clean ones, every marked leak reported with its kind and line on every invoke,
// and docs/guides/seeing-leaks.md publishing exactly the precision/recall this run measured.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusTable } from '../../bench/leak-corpus.ts';
import { ROOT, isolationLevels, type TestEmulator } from '../helpers/emulator.ts';
import { type CorpusBackends, type FunctionOutcome, runCorpus, score, startBackends, startCorpusEmulator } from '../helpers/leak-corpus.ts';

const INVOKES = 3;
const isolation = isolationLevels().at(-1)!;

describe(`leak corpus (${isolation} isolation)`, () => {
  let backends: CorpusBackends;
  let em: TestEmulator;
  let outcomes: FunctionOutcome[];
  beforeAll(async () => {
    backends = await startBackends();
    em = await startCorpusEmulator(backends, isolation);
    outcomes = await runCorpus(em, INVOKES);
  }, 150_000);
  afterAll(async () => {
    const left = await em.stopChecked();
    await backends.close();
    expect(left).toEqual([]);
  });

  const named = (name: string): FunctionOutcome => outcomes.find((o) => o.name === name)!;

  it('clean handlers (SDK clients, fetch and http keep-alive, a database pool, Powertools-style, awaited work): no LEAK line', () => {
    const clean = outcomes.filter((o) => o.clean && o.name !== 'clean-init-error');
    // (the INIT failure has its own test below)
    expect(clean.length).toBeGreaterThanOrEqual(8);
    for (const o of clean) {
      expect(o.invocations, o.name).toHaveLength(INVOKES);
      expect(o.invocations, o.name).toEqual(Array(INVOKES).fill([]));
    }
  });

  it('every leaking handler is reported on every invoke, with the right kind at the line that made it', () => {
    const leaky = outcomes.filter((o) => !o.clean);
    expect(leaky.length).toBeGreaterThanOrEqual(9);
    for (const o of leaky) {
      expect(o.expected.length, o.name).toBeGreaterThan(0);
      expect({ name: o.name, missed: o.falseNegatives, falseAlarms: o.falsePositives }).toEqual({ name: o.name, missed: [], falseAlarms: [] });
      expect(o.truePositives, o.name).toBe(o.expected.length * INVOKES);
    }
    // What an unawaited call holds in flight is named with it.
    expect(named('leaky-sqs-forget').invocations[0][0].detail).toMatch(/^not awaited, still pending, holding: .*HTTP request in flight/);
    expect(named('leaky-fetch-forget').invocations[0][0].detail).toMatch(/^not awaited, still pending/);
  });

  it("an INIT failure leaves no LEAK line (none naming the emulator's own sandbox or runtime processes)", () => {
    expect(named('clean-init-error').invocations).toEqual(Array(INVOKES).fill([]));
  });

  it('docs/guides/seeing-leaks.md publishes the table this run measured', () => {
    const doc = readFileSync(`${ROOT}docs/guides/seeing-leaks.md`, 'utf8');
    const published = /<!-- leak-corpus:start -->\n([\s\S]*?)\n<!-- leak-corpus:end -->/.exec(doc)?.[1];
    expect(published).toBe(corpusTable(outcomes));
    const all = score(outcomes);
    expect([all.precision, all.recall]).toEqual([1, 1]);
  });
});
