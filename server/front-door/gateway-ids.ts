// The identifiers and time stamps API Gateway and function URLs put in events and response headers:
// request ids in each service's shape, X-Ray trace ids, and the `dd/Mon/yyyy:HH:mm:ss +0000` time.
import { randomBytes, randomUUID } from 'node:crypto';
import { newTraceId } from '../http/invoke-handler.ts';

export { newTraceId };

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** `12/Mar/2020:19:03:58 +0000` (requestTime / time). */
export function gatewayTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** REST `requestId`: a UUID. */
export const restRequestId = (): string => randomUUID();

/** HTTP API `requestId` / REST `extendedRequestId`: 16 characters like `JKJaXmPLvHcESHA=`. */
export function shortRequestId(): string {
  return randomBytes(11).toString('base64').slice(0, 15) + '=';
}
