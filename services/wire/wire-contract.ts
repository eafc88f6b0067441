// The one HTTP contract of the embedded services: a framework-free request (method, URL, headers, body
// bytes, a signal for long polls) and its answer. Every service's wire protocol is a WireHandler (with a
// TooLarge answer in its own shape); the server adapts fastify and node:http to it
// (server/http/wire-dispatch.ts) and answers its own Lambda routes with the same WireAnswer.
import type { IncomingHttpHeaders } from 'node:http';

export interface WireRequest {
  method: string;
  /** Path and query string as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Aborted when the client goes away before the answer (a long poll then takes nothing). */
  signal?: AbortSignal;
}

/** An answer; `WireAnswer<string>` for protocols that answer text (JSON, XML). */
export interface WireAnswer<Body extends Buffer | string = Buffer | string> {
  status: number;
  headers: Record<string, string>;
  body: Body;
}

export type WireHandler = (req: WireRequest) => Promise<WireAnswer> | WireAnswer;

/** The answer to a request whose body is over the server's limit (not read: only its headers are known). */
export type TooLarge = (headers: IncomingHttpHeaders) => WireAnswer;
