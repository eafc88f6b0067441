// Per-run values in the data: `$(fn)` (a name the scenario declares, fresh for every run so runs never
// share state), `$(account)`, `$(region)`, values saved from earlier answers, and a few builders
// (`$(arn:fn)`, `$(queue-url:q)`, `$(repeat:a:65)`, `$(num:limit+1)`...). Byte inputs (`{$zip: ...}`, `{$json: ...}`,
// `{$text: ...}`, `{$hex: ...}`) become Bytes, which each transport encodes its own way.
import { randomUUID } from 'node:crypto';

export class Bytes {
  readonly bytes: Buffer;
  constructor(bytes: Buffer) {
    this.bytes = bytes;
  }
}

export interface RunContext {
  account: string;
  region: string;
  /** The emulator's base URL (queue URLs). */
  url: string;
  vars: Map<string, string>;
  /** Deployment packages by name (code-packages.ts). */
  zip(name: string): Buffer;
}

function builder(ctx: RunContext, kind: string, arg: string): string {
  const v = (name: string): string => ctx.vars.get(name) ?? name;
  const lambdaArn = `arn:aws:lambda:${ctx.region}:${ctx.account}:function:`;
  switch (kind) {
    case 'arn': return `${lambdaArn}${v(arg)}`;
    case 'queue-url': return `${ctx.url}/${ctx.account}/${v(arg)}`;
    case 'queue-arn': return `arn:aws:sqs:${ctx.region}:${ctx.account}:${v(arg)}`;
    case 'stream-arn': return `arn:aws:kinesis:${ctx.region}:${ctx.account}:stream/${v(arg)}`;
    case 'repeat': {
      const [text, times] = arg.split(':');
      return text.repeat(Number(times));
    }
    default: throw new Error(`unknown builder $(${kind}:${arg})`);
  }
}

/** `$(...)` in one string. Unknown plain names are an error: a typo must not pass as text. */
export function expand(text: string, ctx: RunContext): string {
  // Lower-case names only: `\$(LATEST...` in AWS's patterns is text.
  return text.replace(/\$\(([a-z-]+:[^)]*|[a-z][a-z0-9-]*)\)/g, (_all, ref: string) => {
    const colon = ref.indexOf(':');
    if (colon > 0) return builder(ctx, ref.slice(0, colon), ref.slice(colon + 1));
    if (ref === 'account') return ctx.account;
    if (ref === 'region') return ctx.region;
    const value = ctx.vars.get(ref);
    if (value === undefined) throw new Error(`no value for $(${ref})`);
    return value;
  });
}

/** A data value with every `$()` expanded and byte markers turned into Bytes. */
export function resolve(value: unknown, ctx: RunContext): unknown {
  if (typeof value === 'string') {
    // `$(num:limit+1)`: a saved number, with an offset, as a number (an account limit plus one).
    const num = /^\$\(num:([a-z][a-z0-9-]*)([+-]\d+)?\)$/.exec(value);
    if (num) return Number(expand(`$(${num[1]})`, ctx)) + Number(num[2] ?? 0);
    return expand(value, ctx);
  }
  if (Array.isArray(value)) return value.map((v) => resolve(v, ctx));
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if ('$zip' in o) return new Bytes(ctx.zip(String(o.$zip)));
    if ('$json' in o) return new Bytes(Buffer.from(JSON.stringify(resolve(o.$json, ctx))));
    if ('$text' in o) return new Bytes(Buffer.from(expand(String(o.$text), ctx)));
    if ('$hex' in o) return new Bytes(Buffer.from(String(o.$hex), 'hex'));
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolve(v, ctx)]));
  }
  return value;
}

/** The value at a dotted path (`Configuration.RevisionId`, `Successful.0.Id`). */
export function pick(value: unknown, path: string): unknown {
  let v = value;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

let counter = 0;

/** A fresh name per run: short, valid for functions, queues and streams alike. */
export function freshName(label: string, transport: string): string {
  if (label.startsWith('uuid')) return randomUUID();
  counter += 1;
  return `c${counter.toString(36)}-${transport}-${label}`.slice(0, 60);
}
