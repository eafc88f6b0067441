// The process-leak ledger: the environment's processes after INIT are nobody's leak; a process an
// invocation left is reported once, named, and attributed to that invocation; a zombie (not running)
// and a runtime's own helper talking to the Runtime API are not leaks; a process that exits leaves
// the open list.
import { describe, expect, it } from 'vitest';
import { ProcessLedger } from '../../server/environment/process-ledger.ts';

const API = '127.0.0.1:9001';

describe('ProcessLedger', () => {
  it('reports what each invocation left running, once, and forgets processes that exit', () => {
    const commands = new Map<number, string | undefined>([
      [10, 'node /var/runtime/index.mjs'], [11, 'sleep 1000'], [12, 'sleep 1000'], [13, undefined], [14, `curl http://${API}/2018-06-01/runtime/invocation/next`],
    ]);
    const ledger = new ProcessLedger();
    ledger.baseline([10]);
    const first = ledger.afterInvoke('r1', [10, 11, 12, 13, 14], (pid) => commands.get(pid), API);
    expect(first).toEqual([
      { kind: 'process', count: 1, createdAt: null, detail: 'pid 11 "sleep 1000"' },
      { kind: 'process', count: 1, createdAt: null, detail: 'pid 12 "sleep 1000"' },
    ]);
    expect(ledger.open).toEqual([{ pid: 11, command: 'sleep 1000', requestId: 'r1' }, { pid: 12, command: 'sleep 1000', requestId: 'r1' }]);
    // Still running after the next invocation: not reported again; 12 has exited.
    expect(ledger.afterInvoke('r2', [10, 11], (pid) => commands.get(pid), API)).toEqual([]);
    expect(ledger.open).toEqual([{ pid: 11, command: 'sleep 1000', requestId: 'r1' }]);
  });
});
