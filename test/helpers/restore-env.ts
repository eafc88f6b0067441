// A setup file of the `processes` project, whose files share workers (vitest.config.ts): each test file
// starts with the environment the worker had and leaves it as it found it, whatever it set in process.env
// (a cache dir, a PATH without version managers) and did not put back.
import { afterAll } from 'vitest';

const before = { ...process.env };

afterAll(() => {
  for (const name of Object.keys(process.env)) if (!(name in before)) delete process.env[name];
  Object.assign(process.env, before);
});
