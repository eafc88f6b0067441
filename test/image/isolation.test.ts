// Which isolation level ephemera picks inside the container with which flags (docs/container.md keeps
// the table): none → process; CAP_SYS_ADMIN for the node user is not enough (mount(8) refuses a
// non-root user); root with CAP_SYS_ADMIN → private mount and PID namespaces per environment.
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { lambda, notPrepared, removeStarted, startContainer } from './harness.ts';

const ROWS = [
  { flags: [], level: 'process', reason: /unshare failed: .*Operation not permitted/ },
  { flags: ['--cap-add', 'SYS_ADMIN'], level: 'process', reason: /must be superuser/ },
  { flags: ['--user', 'root', '--cap-add', 'SYS_ADMIN'], level: 'namespace', reason: /private mount and PID namespaces/ },
];

describe.skipIf(notPrepared)('isolation inside the container', () => {
  afterEach(removeStarted);

  it.each(ROWS)('$flags → $level', async ({ flags, level, reason }) => {
    const c = await startContainer({ flags });
    const health = (await (await fetch(`${c.url}/_ephemera/health`)).json()) as { isolation: string; isolationReason: string };
    expect(health.isolation).toBe(level);
    expect(health.isolationReason).toMatch(reason);
    const r = await lambda(c).send(new InvokeCommand({ FunctionName: 'echo', Payload: '{}' }));
    const out = JSON.parse(new TextDecoder().decode(r.Payload)) as { tmpdir: string; env: Record<string, string> };
    if (level === 'namespace') {
      // The function's code at /var/task and a tmpfs /tmp of its own, as on Lambda.
      expect(out.env.LAMBDA_TASK_ROOT).toBe('/var/task');
      expect(out.tmpdir).toBe('/tmp');
    } else {
      expect(out.env.LAMBDA_TASK_ROOT).toBe('/fixtures/functions/echo');
      expect(out.tmpdir).toMatch(/^\/tmp\/ephemera-[^/]+-tmp-echo-/);
    }
  });
});
