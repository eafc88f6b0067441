// The order `npm test` starts its files in (vitest.config.ts): the files known to take longest first,
// then vitest's own order (the files that start processes before the unit files; within a project the
// longest of the last run first, or the largest file on a clean clone), so that the two workers end together.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The longest files, longest first (seconds of one worker on this repository's 2-core machine,
 * 2026-12-06). A clean clone has no durations from an earlier run; without this list the longest
 * file could start last and leave the other worker idle for its whole length.
 */
export const LONGEST = [
  'test/integration/containment.test.ts',
  'test/integration/core-lifecycle.test.ts',
  'test/integration/python-runtime.test.ts',
  'test/compat/sqs-esm-cli.test.ts',
  'test/integration/core-process.test.ts',
  'test/compat/esm-api.test.ts',
  'test/integration/sam-project.test.ts',
  'test/integration/cgroup.test.ts',
  'test/integration/runtime-resolution.test.ts',
  'test/compat/eventbridge-cli.test.ts',
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
