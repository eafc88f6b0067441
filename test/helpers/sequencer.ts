// The order `npm test` starts its files in (vitest.config.ts): the files known to take longest first,
// then vitest's own order (the files that start processes before the unit files; within a project the
// longest of the last run first, or the largest file on a clean clone), so that the two workers end together.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The longest files, longest first (as measured on this repository's 2-core machine,
 * 2026-12-06). A clean clone has no durations from an earlier run; without this list the longest
 * file could start last and leave the other worker idle for its whole length.
 */
export const LONGEST = [
  // On a clean clone this file first builds aws-lambda-ric's native addon (npm install, node-gyp).
  'test/compat/aws-lambda-ric.test.ts',
  'test/integration/containment.test.ts',
  'test/integration/durable-workflow.test.ts',
  'test/compat/sqs-esm-cli.test.ts',
  'test/integration/core-lifecycle.test.ts',
  'test/integration/python-runtime.test.ts',
  'test/integration/sqs-esm.test.ts',
  'test/integration/sam-project.test.ts',
  'test/integration/core-process.test.ts',
  'test/compat/sqs-aws-cli.test.ts',
  'test/compat/esm-api.test.ts',
  'test/integration/cgroup.test.ts',
  'test/integration/runtime-resolution.test.ts',
  'test/compat/aws-cli-versions.test.ts',
  'test/compat/provided-runtimes.test.ts',
  'test/integration/managed-instances.test.ts',
];

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification): number => {
      const i = LONGEST.findIndex((path) => spec.moduleId.endsWith(`/${path}`));
      return i < 0 ? LONGEST.length : i;
    };
    return sorted.map((spec, i) => ({ spec, i })).sort((a, b) => rank(a.spec) - rank(b.spec) || a.i - b.i).map(({ spec }) => spec);
  }
}
