// What AWS's in-memory testing library (@aws/durable-execution-sdk-js-testing) cannot show, for the
// guide's comparison: it replays the handler in the test's own process, so state kept in a module
// variable survives every replay. ephemera runs replays in real environments, where a replay in a new
// one loses it (test/integration/durable-controls.test.ts: { visits: 1 }).
import { LocalDurableTestRunner } from '@aws/durable-execution-sdk-js-testing';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { handler } from '../../fixtures/functions/durable/module-state.ts';

beforeAll(() => LocalDurableTestRunner.setupTestEnvironment({ skipTime: true }), 20_000);
afterAll(() => LocalDurableTestRunner.teardownTestEnvironment());

test('the testing library replays in one process: the module variable is never lost', async () => {
  const runner = new LocalDurableTestRunner({ handlerFunction: handler });
  const execution = await runner.run({ payload: {} });
  expect(execution.getStatus()).toBe('SUCCEEDED');
  expect(execution.getResult()).toEqual({ visits: 2 });
}, 30_000);
