// test/image: the container image built and run with podman. Run by scripts/test-image.ts (`npm run
// test:image`), which prepares the engine and the image; never part of `npm test`. One file at a time:
// each starts containers, and the machine has two cores.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/image/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
