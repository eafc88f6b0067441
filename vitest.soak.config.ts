// The soak (`npm run soak`, never part of `npm test`): the SQS reliability test at full size, 3,000
// messages through the seeded chaotic handler (npm test sends 300). EPHEMERA_CHAOS_SEED picks another
// seed; EPHEMERA_SOAK_MESSAGES another size.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/integration/sqs-reliability.test.ts'],
    env: { EPHEMERA_SOAK_MESSAGES: process.env.EPHEMERA_SOAK_MESSAGES ?? '3000' },
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
