// The leak corpus's precision and recall (docs/guides/seeing-leaks.md publishes this table): every
// corpus function invoked several times through a real emulator, each LEAK line matched against the
// sources' `leak: <kind>` markers. Run alone: `node bench/leak-corpus.ts [process|namespace] [invokes]`.
import type { IsolationLevel } from '../server/environment/isolation.ts';
import { runCorpus, score, startBackends, startCorpusEmulator, type FunctionOutcome } from '../test/helpers/leak-corpus.ts';
import { runStandalone, table } from './lib.ts';

const pct = (v: number): string => `${(v * 100).toFixed(0)} %`;

export function corpusTable(outcomes: FunctionOutcome[]): string {
  const rows = outcomes.map((o) => [
    `\`${o.name}\``,
    String(o.invocations.length),
    String(o.expected.length * o.invocations.length),
    String(o.truePositives),
    String(o.falsePositives.length),
    String(o.falseNegatives.length),
  ]);
  const lines = [table(['function', 'invokes', 'leaks to find', 'found', 'false alarms', 'missed'], rows), ''];
  for (const [label, part] of [['Node.js', outcomes.filter((o) => o.language === 'node')], ['Python', outcomes.filter((o) => o.language === 'python')], ['all', outcomes]] as const) {
    const s = score(part);
    lines.push(`- ${label}: precision ${pct(s.precision)} (${s.tp} of ${s.tp + s.fp} reported), recall ${pct(s.recall)} (${s.tp} of ${s.tp + s.fn} found)`);
  }
  return lines.join('\n');
}

export async function leakCorpus(isolation: IsolationLevel, invokes: number): Promise<{ outcomes: FunctionOutcome[]; text: string }> {
  const backends = await startBackends();
  const em = await startCorpusEmulator(backends, isolation);
  try {
    const outcomes = await runCorpus(em, invokes);
    return { outcomes, text: corpusTable(outcomes) };
  } finally {
    await em.stop();
    await backends.close();
  }
}

if (import.meta.main) {
  const isolation = (process.argv[2] ?? 'process') as IsolationLevel;
  const invokes = Number(process.argv[3] ?? 3);
  await runStandalone('leak-corpus', async () => {
    const { outcomes, text } = await leakCorpus(isolation, invokes);
    const details = outcomes.filter((o) => o.falsePositives.length || o.falseNegatives.length).map((o) => `${o.name}: false alarms ${JSON.stringify(o.falsePositives)} missed ${JSON.stringify(o.falseNegatives)}`);
    return [`### Leak corpus (${isolation} isolation, ${invokes} invokes per function)`, '', text, '', ...details].join('\n');
  });
}
