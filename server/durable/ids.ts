// The identifiers of the durable execution API: execution ARNs (the shape the SDK parses), callback
// ids and checkpoint tokens (opaque to clients, decodable here), and paging markers.
import { randomBytes, randomUUID } from 'node:crypto';

/** `arn:aws:lambda:{region}:{account}:function:{name}:{qualifier}/durable-execution/{executionName}/{id}`. */
const EXECUTION_ARN = /^(arn:[^:]*:lambda:[^:]*:[^:]*:function:([^:/]+)):([^:/]+)\/durable-execution\/([^/]+)\/([^/]+)$/;

export interface ExecutionArnParts {
  /** The unqualified function ARN. */
  functionArn: string;
  functionName: string;
  qualifier: string;
  name: string;
  id: string;
}

export function executionArn(functionArn: string, qualifier: string, name: string, id: string): string {
  return `${functionArn}:${qualifier}/durable-execution/${name}/${id}`;
}

export function parseExecutionArn(arn: string): ExecutionArnParts | undefined {
  const m = EXECUTION_ARN.exec(arn);
  return m ? { functionArn: m[1], functionName: m[2], qualifier: m[3], name: m[4], id: m[5] } : undefined;
}

export const newExecutionId = (): string => randomUUID();

/** Execution names: what fits in the ARN's segment (no `/`), 1 to 64 characters of [A-Za-z0-9_-]. */
export const EXECUTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64url');
const unb64 = (s: string): string => Buffer.from(s, 'base64url').toString('utf8');

/** A callback id names its execution and operation, with a nonce so that ids are not guessable. */
export function callbackId(executionId: string, operationId: string): string {
  return b64(JSON.stringify([executionId, operationId, randomBytes(6).toString('hex')]));
}

export function parseCallbackId(id: string): { executionId: string; operationId: string } | undefined {
  try {
    const v: unknown = JSON.parse(unb64(id));
    if (Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'string')) return { executionId: v[0], operationId: v[1] };
  } catch {
    // not one of ours
  }
  return undefined;
}

/** A checkpoint token: the execution, the invocation it was handed to, and the checkpoint sequence it is valid for. */
export interface TokenParts {
  executionId: string;
  invocation: number;
  sequence: number;
}

export function checkpointToken(t: TokenParts): string {
  return b64(`${t.executionId}:${t.invocation}:${t.sequence}:${randomBytes(4).toString('hex')}`);
}

export function parseCheckpointToken(token: string): TokenParts | undefined {
  const parts = unb64(token).split(':');
  if (parts.length !== 4) return undefined;
  const invocation = Number(parts[1]);
  const sequence = Number(parts[2]);
  if (!Number.isInteger(invocation) || !Number.isInteger(sequence)) return undefined;
  return { executionId: parts[0], invocation, sequence };
}

/** A paging marker: an opaque offset, tied to what is paged (`scope`) so it cannot page something else. */
export function marker(scope: string, offset: number): string {
  return b64(`${scope}|${offset}`);
}

export function parseMarker(scope: string, value: string): number | undefined {
  const text = unb64(value);
  const bar = text.lastIndexOf('|');
  if (bar < 0 || text.slice(0, bar) !== scope) return undefined;
  const n = Number(text.slice(bar + 1));
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}
