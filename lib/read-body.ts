// Reading a request body with a size cap: over the cap the bytes are drained and dropped, so the
// connection stays usable and the caller can answer 413. Used by the Runtime API listeners and the
// Invoke API's raw fast path (the one reader of a node:http body).
import type { IncomingMessage } from 'node:http';

export interface Body {
  data: Buffer;
  size: number;
  tooLarge: boolean;
}

export function readBody(req: IncomingMessage, limit: number): Promise<Body> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => {
      const tooLarge = size > limit;
      const data = tooLarge ? Buffer.alloc(0) : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      resolve({ data, size, tooLarge });
    });
    req.on('error', reject);
  });
}
