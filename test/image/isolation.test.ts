// Which isolation level ephemera picks inside the container with which flags (docs/container.md keeps
// the table): none, or CAP_SYS_ADMIN alone → process (the node user's sandbox is a user namespace, and
// the container's masked /proc paths forbid it a /proc of its own); /proc unmasked → namespace, as the
// node user with no capability added; root with CAP_SYS_ADMIN → namespace.
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { lambda, notPrepared, removeStarted, startContainer } from './harness.ts';

const ROWS = [
  { flags: [], level: 'process', reason: /unshare failed: .*Operation not permitted/ },
  { flags: ['--cap-add', 'SYS_ADMIN'], level: 'process', reason: /mount \/proc failed: Operation not permitted/ },
  { flags: ['--security-opt', 'unmask=/proc/*'], level: 'namespace', reason: /in a user namespace \(rootless\)/ },
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
