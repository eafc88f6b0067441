// The conformance layer: every recorded AWS answer in test/conformance/cases/*.yaml replayed against one
// emulator, over raw HTTP and with the AWS SDK for JavaScript v3 (SQS's query protocol over raw HTTP
// only: the v3 SDK speaks JSON), and compared after masking what AWS's recordings mask.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, isAlive, startEmulator, type TestEmulator, waitFor } from '../helpers/emulator.ts';
import { casesOf, loadCaseFiles, transportsOf } from './harness/case-file.ts';
import { codePackage } from './harness/code-packages.ts';
import { COVERAGE_FILE, renderCoverage, servedOperations } from './harness/coverage.ts';
import { type Harness, runScenario } from './harness/run-scenario.ts';
import { SdkTransport } from './harness/sdk-transport.ts';

const files = loadCaseFiles();
let em: TestEmulator;
let harness: Harness;

beforeAll(async () => {
  em = await startEmulator(fixture('templates/conformance.yaml'), { keepAlive: 5 });
  harness = { url: em.url, account: '000000000000', region: 'us-east-1', sdk: new SdkTransport(em.url, 'us-east-1'), zip: codePackage };
});

afterAll(async () => {
  harness?.sdk.close();
  const pids = em ? em.pids() : [];
  await em?.stop();
  // Invoke cases start real environments: none may outlive the emulator.
  expect(await waitFor(() => pids.every((p) => !isAlive(p)), 5000).catch(() => pids.filter(isAlive))).toBe(true);
});

it('holds at least 300 recorded cases, each naming its source', () => {
  const cases = files.flatMap((f) => f.scenarios.flatMap(casesOf));
  expect(cases.length).toBeGreaterThanOrEqual(Number(process.env.CONFORMANCE_MIN ?? 300));
});

it('has a coverage table that is current (npm run coverage rewrites docs/reference/coverage.md)', async () => {
  const table = renderCoverage(await servedOperations(em.eph.app), files);
  expect(readFileSync(COVERAGE_FILE, 'utf8') === table, 'docs/reference/coverage.md is stale: run `npm run coverage`').toBe(true);
});

// Every run has names of its own, so scenarios run side by side (the emulator is the only shared thing).
for (const file of files) {
  describe.concurrent(file.file, () => {
    for (const scenario of file.scenarios) {
      for (const transport of transportsOf(file, scenario)) {
        it(`${scenario.test} [${transport}]`, async () => {
          expect(await runScenario(file, scenario, transport, harness)).toEqual([]);
        });
      }
    }
  });
}
