import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The container image's tests need podman and a built image: `npm run test:image` (vitest.image.config.ts).
    exclude: [...configDefaults.exclude, 'test/image/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Two cores: integration files each run an emulator with real worker processes.
    maxWorkers: 2,
  },
});
