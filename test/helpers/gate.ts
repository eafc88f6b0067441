// A loopback gate for streaming tests: a handler fetches its URL and is held there until the test opens
// it, so the test can prove that bytes reached the client while the handler still ran.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Gate {
  url: string;
  /** Resolves once a handler waits at the gate, then lets the first waiting one go on. */
  open(): Promise<void>;
  close(): Promise<void>;
}

export async function startGate(): Promise<Gate> {
  const waiting: ServerResponse[] = [];
  let arrived: () => void = () => {};
  const server = createServer((_req, res) => {
    waiting.push(res);
    arrived();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    async open() {
      await new Promise<void>((resolve) => (waiting.length > 0 ? resolve() : (arrived = resolve)));
      waiting.shift()!.end('open');
    },
    close() {
      for (const res of waiting.splice(0)) res.end();
      return new Promise((r) => server.close(() => r()));
    },
  };
}
