// The output sink's lines held for its write window still reach stdout when the process ends at once.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const SINK = fileURLToPath(new URL('../../server/environment/function-log.ts', import.meta.url));

it('writes the lines it holds as the process exits', () => {
  const script = `
    import { StreamOutputSink } from ${JSON.stringify(SINK)};
    const sink = new StreamOutputSink(process.stdout, 60_000);
    sink.line('f', 'env1', 'first');
    setImmediate(() => {
      sink.line('f', 'env1', 'held');
      sink.line('f', 'env2', 'also held');
      setImmediate(() => process.exit(0));
    });`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 10_000 });
  expect(r.status).toBe(0);
  expect(r.stdout).toBe('[f env1] first\n[f env1] held\n[f env2] also held\n');
});
