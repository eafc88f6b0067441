import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';
import { LongestFirst } from './test/helpers/sequencer.ts';

// Node's compile cache for every Node process the suite starts (the test files' workers, the `ephemera`
// command lines the integration tests spawn): the server's modules are compiled once, not once per process.
process.env.NODE_COMPILE_CACHE ??= join(tmpdir(), 'ephemera-test-compile-cache');

export default defineConfig({
  test: {
    // The container image's tests need podman and a built image: `npm run test:image` (vitest.image.config.ts).
    exclude: [...configDefaults.exclude, 'test/image/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Three files at a time on two cores: a file spends much of its time waiting on its processes (real
    // workers, function timeouts, polls), and the third fills those waits. Measured on the 2-core machine
    // (docs/internals/testing.md): 228 s of vitest time with 3 workers, 281 s with 2, at the same load.
    maxWorkers: 3,
    // The files that start processes run first, the longest first (test/helpers/sequencer.ts), so that the
    // many short unit files fill in at the end and both workers finish together.
    sequence: { sequencer: LongestFirst },
    projects: [
      // Real processes, real clients. Files share workers too (a fresh worker cost each file 1.2-1.5 s of CPU
      // before its first test, about 60 s over the suite): every emulator a test starts is its own and is
      // stopped by it, process.env is put back after each file (test/helpers/restore-env.ts), and the
      // server's per-process state (isolation probes, the cgroup root, temp-dir owner) is per machine.
      {
        extends: true,
        test: { name: 'processes', include: ['test/{integration,compat,conformance}/**/*.test.ts'], isolate: false, setupFiles: ['test/helpers/restore-env.ts'] },
      },
      // No processes and no shared state: one worker runs many files, loading the modules they share once.
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false } },
    ],
  },
});
