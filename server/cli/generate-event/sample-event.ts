// What a sample event is for `ephemera generate-event`: its flags (SAM CLI's names, with defaults that
// may refer to other flags as `{region}`), and a builder from the flag values and a context that
// supplies the time and the random ids (injected, so unit tests build the same event twice).
import { randomBytes, randomUUID } from 'node:crypto';
import { DEFAULTS } from '../../options.ts';

export type Values = Readonly<Record<string, string>>;

export interface EventFlag {
  /** The value when the flag is not given; `{other-flag}` is replaced by that flag's value. */
  default: string;
  help: string;
  /** Takes no value unless written `--flag=value` (true/false). */
  switch?: boolean;
}

export interface SampleContext {
  /** Epoch milliseconds. */
  now: number;
  uuid(): string;
  /** `bytes` random bytes. */
  random(bytes: number): Buffer;
}

export interface SampleEvent {
  help: string;
  flags: Readonly<Record<string, EventFlag>>;
  build(values: Values, ctx: SampleContext): unknown;
}

export function realContext(): SampleContext {
  return { now: Date.now(), uuid: randomUUID, random: randomBytes };
}

/** The flags most events share, with ephemera's own defaults (its --region and --account-id). */
export const ACCOUNT_ID: EventFlag = { default: DEFAULTS.accountId, help: 'the account id in ARNs' };
export const PARTITION: EventFlag = { default: 'aws', help: 'the partition in ARNs (aws, aws-cn, aws-us-gov)' };
export const REGION: EventFlag = { default: DEFAULTS.region, help: 'the region in ARNs and awsRegion' };

/** Lower-case letters and digits, as in API ids (`a1b2c3d4e5`). */
export function alnum(ctx: SampleContext, length: number): string {
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...ctx.random(length)].map((b) => chars[b % chars.length]).join('');
}

export function hex(ctx: SampleContext, bytes: number): string {
  return ctx.random(bytes).toString('hex');
}

/** A decimal string of `digits` digits (sequence numbers, log event ids). */
export function digits(ctx: SampleContext, count: number): string {
  return [...ctx.random(count)].map((b, i) => (i === 0 ? 1 + (b % 9) : b % 10)).join('');
}

/** The domain AWS endpoints of a partition end in. */
export function awsDomain(partition: string): string {
  return partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
}

/** A switch flag's value as a boolean. */
export function isOn(value: string): boolean {
  return ['true', '1', 'yes', 'on', ''].includes(value.toLowerCase());
}
