// `npm run coverage`: writes docs/reference/coverage.md from the SDK's operations, what a freshly built
// app serves, and the conformance data (test/conformance/harness/coverage.ts renders it).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { buildApp } from '../server/app.ts';
import { DEFAULTS } from '../server/options.ts';
import { loadCaseFiles } from '../test/conformance/harness/case-file.ts';
import { COVERAGE_FILE, renderCoverage, servedOperations } from '../test/conformance/harness/coverage.ts';

const template = fileURLToPath(new URL('../fixtures/templates/conformance.yaml', import.meta.url));
const eph = buildApp({ ...DEFAULTS, port: 0, template }, { logger: pino({ level: 'silent' }), templateMappings: false });
try {
  await eph.app.ready();
  writeFileSync(COVERAGE_FILE, renderCoverage(await servedOperations(eph.app), loadCaseFiles()));
  console.log(`wrote ${fileURLToPath(COVERAGE_FILE)}`);
} finally {
  await eph.close();
}
