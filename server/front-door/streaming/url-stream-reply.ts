// A function URL's reply to a function that streams (InvokeMode RESPONSE_STREAM): with the HTTP integration
// content type, the prelude (http-prelude.ts) gives the status, headers and cookies and the rest is the body;
// any other stream is a 200 of its own content type. The body goes out as it comes; a stream that fails after
// the head was sent throws from the body, and the listener cuts the response short (the client sees a
// truncated transfer). A failure before the head is a 502 as for any function error.
import type { ResponseBody } from '../../model.ts';
import type { GatewayReply } from '../gateway-reply.ts';
import { HTTP_INTEGRATION_CONTENT_TYPE, HttpPreludeParser, type HttpPrelude } from './http-prelude.ts';

export type StreamReply = { ok: true; reply: GatewayReply } | { ok: false; reason: string };

const EMPTY = Buffer.alloc(0);

export async function urlStreamReply(body: ResponseBody): Promise<StreamReply> {
  const chunks = body[Symbol.asyncIterator]();
  if (body.contentType !== HTTP_INTEGRATION_CONTENT_TYPE) {
    return { ok: true, reply: { status: 200, headers: [['content-type', body.contentType]], body: EMPTY, stream: rest(body, chunks, EMPTY) } };
  }
  const parser = new HttpPreludeParser();
  for (;;) {
    const next = await chunks.next();
    const step = next.done ? parser.end() : parser.push(next.value);
    if (step.kind === 'waiting') continue;
    if (step.kind === 'error' || step.kind === 'body') {
      await chunks.return?.(undefined);
      return { ok: false, reason: step.kind === 'error' ? `bad prelude: ${step.reason}` : 'no prelude' };
    }
    // A stream that failed before its prelude was complete failed before any byte was sent.
    if (next.done) {
      const end = await body.ended;
      if (end.error) return { ok: false, reason: `${end.error.errorType} before the prelude: ${end.error.errorMessage}` };
    }
    return { ok: true, reply: { status: step.prelude.statusCode, headers: headersOf(step.prelude), body: EMPTY, stream: rest(body, chunks, step.body) } };
  }
}

/** `first`, then what is left of the stream; throws when the stream ended in an error. */
async function* rest(body: ResponseBody, chunks: AsyncIterator<Buffer>, first: Buffer): AsyncGenerator<Buffer> {
  try {
    if (first.length > 0) yield first;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
  } finally {
    await chunks.return?.(undefined);
  }
  const end = await body.ended;
  if (end.error) throw new Error(`${end.error.errorType}: ${end.error.errorMessage}`);
}

/** The prelude's headers, multi-value headers and cookies as header pairs. */
export function headersOf(prelude: HttpPrelude): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(prelude.headers)) out.push([k, v]);
  for (const [k, vs] of Object.entries(prelude.multiValueHeaders)) {
    if (prelude.headers[k] === undefined) for (const v of vs) out.push([k, v]);
  }
  for (const c of prelude.cookies) out.push(['set-cookie', c]);
  if (!out.some(([k]) => k.toLowerCase() === 'content-type')) out.push(['content-type', 'application/octet-stream']);
  return out;
}
