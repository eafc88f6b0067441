// StreamOutputSink: the relayed lines keep their order and prefix, and are gathered into few writes
// (the first of a quiet spell at the end of its loop turn, later ones once per window).
import { describe, expect, it } from 'vitest';
import { StreamOutputSink } from '../../server/environment/function-log.ts';

function capture(): { out: NodeJS.WritableStream; writes: string[] } {
  const writes: string[] = [];
  return { out: { write: (text: string) => writes.push(text) } as unknown as NodeJS.WritableStream, writes };
}
const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('StreamOutputSink', () => {
  it('writes the lines of one loop turn together, prefixed with the function and environment', async () => {
    const { out, writes } = capture();
    const sink = new StreamOutputSink(out);
    sink.line('noop', '0123456789abcdef', 'START RequestId: a');
    sink.line('noop', '0123456789abcdef', 'END RequestId: a');
    expect(writes).toEqual([]);
    await turn();
    expect(writes).toEqual(['[noop 01234567] START RequestId: a\n[noop 01234567] END RequestId: a\n']);
  });

  it('holds lines that follow a write for the rest of the window, then writes them in one go, in order', async () => {
    const { out, writes } = capture();
    const sink = new StreamOutputSink(out, 60_000);
    sink.line('f', 'e1', 'one');
    await turn();
    sink.line('f', 'e2', 'two');
    sink.line('g', 'e3', 'three');
    await turn();
    expect(writes).toEqual(['[f e1] one\n']); // held: a write went out less than a window ago
    sink.flush(); // what the process's exit does with anything held
    expect(writes).toEqual(['[f e1] one\n', '[f e2] two\n[g e3] three\n']);
    sink.flush();
    expect(writes).toHaveLength(2);
  });

  it('with a window of 0 writes once per loop turn that had lines', async () => {
    const { out, writes } = capture();
    const sink = new StreamOutputSink(out, 0);
    for (const text of ['a', 'b']) {
      sink.line('f', 'e', text);
      await turn();
    }
    expect(writes).toEqual(['[f e] a\n', '[f e] b\n']);
  });
});
