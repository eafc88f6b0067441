// Reliability of the SQS mapping: messages through a handler that, seeded, succeeds, fails, partially
// fails, crashes (process.exit) and times out. At the end every message was processed at least once or
// is in the DLQ: none lost. Prints the numbers. `npm test` sends 300; the soak (`npm run soak`,
// vitest.soak.config.ts) sends 3,000. EPHEMERA_CHAOS_SEED picks the seed (the run prints it).
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixture, startEmulator, type TestEmulator, waitFor } from '../helpers/emulator.ts';
import { depth, drain, queueUrl, sqsClient } from '../helpers/sqs-esm.ts';

const MESSAGES = Number(process.env.EPHEMERA_SOAK_MESSAGES ?? 300);
const SEED = process.env.EPHEMERA_CHAOS_SEED ?? '20261206';
/** How long the queue may take to empty (the 3,000-message soak: about 40 s on 2 cores at load 20). */
const BUDGET_MS = Math.max(60_000, MESSAGES * 100);
let em: TestEmulator;
let sqs: SQSClient;

beforeAll(async () => {
  em = await startEmulator(fixture('templates/sqs-reliability.yaml'), { timeScale: 0.05, parameterOverrides: { ChaosSeed: SEED } });
  sqs = sqsClient(em.url);
});

afterAll(async () => {
  sqs?.destroy();
  if (em) expect(await em.stopChecked()).toEqual([]);
});

it(`${MESSAGES} messages through a chaotic handler: none lost`, async () => {
  const url = await queueUrl(sqs, 'chaos');
  const dlqUrl = await queueUrl(sqs, 'chaos-dlq');
  const ids = Array.from({ length: MESSAGES }, (_, i) => `r-${i}`);
  const t0 = Date.now();
  for (let i = 0; i < ids.length; i += 10) {
    const r = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: ids.slice(i, i + 10).map((id, j) => ({ Id: String(j), MessageBody: id })) }));
    expect(r.Failed ?? []).toEqual([]);
  }
  // Everything has left the queue: deleted after processing, or moved to the DLQ.
  await waitFor(async () => (await depth(sqs, url)) === 0, BUDGET_MS, 200);
  const elapsed = (Date.now() - t0) / 1000;

  const done: string[] = [];
  for (const l of em.lines) {
    const i = l.text.indexOf('DONE ');
    if (i >= 0) done.push(...l.text.slice(i + 5).trim().split(','));
  }
  const processed = new Set(done);
  const dead = new Set((await drain(sqs, dlqUrl)).map((m) => m.Body!));
  const lost = ids.filter((id) => !processed.has(id) && !dead.has(id));
  const mapping = em.eph.internals.esm.list()[0];
  const c = em.eph.internals.esm.status(mapping)?.counters ?? {};
  console.log([
    `sqs reliability: ${MESSAGES} sent in ${elapsed.toFixed(1)} s (seed ${SEED})`,
    `  processed ${processed.size}, dead-lettered ${dead.size} (both: ${[...dead].filter((id) => processed.has(id)).length}), lost ${lost.length}`,
    `  duplicates ${done.length - processed.size} (records processed more than once)`,
    `  invocations ${c.batches}: function errors ${c.functionErrors}, partial batches ${c.partialBatches}, throttles ${c.throttles}, max pollers ${c.maxPollers}`,
  ].join('\n'));
  expect(lost).toEqual([]);
  expect([...processed, ...dead].every((id) => ids.includes(id))).toBe(true);
  // The chaos was real: every kind of failure happened, and some messages ran out of receives.
  expect(c.functionErrors).toBeGreaterThan(0);
  expect(c.partialBatches).toBeGreaterThan(0);
  expect(dead.size).toBeGreaterThan(0);
  const crashes = em.lines.filter((l) => l.text.includes('Runtime.ExitError')).length;
  const timeouts = em.lines.filter((l) => l.text.includes('Task timed out after')).length;
  console.log(`  crashes ${crashes}, timeouts ${timeouts} (from the function log)`);
}, BUDGET_MS + 30_000);
