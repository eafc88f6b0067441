// AWS::SQS::Queue resources in a template become embedded queues at start-up. Name: QueueName, else the
// logical id (+ `.fifo` for a FIFO queue), as references.ts gives for Ref/GetAtt. The template wins over
// a queue kept in --data-dir (its attributes are applied again, ones it no longer sets go back to their defaults); messages are kept.
import type { EmbeddedQueues } from '../../services/sqs/embedded-queues.ts';
import { FIFO_DEFAULTS, STANDARD_DEFAULTS } from '../../services/sqs/sqs-attributes.ts';
import { SqsError } from '../../services/sqs/sqs-error.ts';
import type { LoadedTemplate, TemplateWarning } from '../model.ts';

const NUMBERS = ['VisibilityTimeout', 'DelaySeconds', 'MaximumMessageSize', 'MessageRetentionPeriod', 'ReceiveMessageWaitTimeSeconds', 'KmsDataKeyReusePeriodSeconds'];
const STRINGS = ['DeduplicationScope', 'FifoThroughputLimit', 'KmsMasterKeyId'];
const BOOLEANS = ['FifoQueue', 'ContentBasedDeduplication', 'SqsManagedSseEnabled'];
const POLICIES = ['RedrivePolicy', 'RedriveAllowPolicy'];

/** The queue name the template gives a resource (same rule as Ref/GetAtt in references.ts). */
export function templateQueueName(logicalId: string, props: Record<string, unknown>): string {
  if (typeof props.QueueName === 'string' && props.QueueName !== '') return props.QueueName;
  return String(props.FifoQueue) === 'true' ? `${logicalId}.fifo` : logicalId;
}

/** Create (or update) the template's queues in `queues`; returns warnings for what is ignored or invalid. */
export function createTemplateQueues(template: LoadedTemplate, queues: EmbeddedQueues): TemplateWarning[] {
  const warnings: TemplateWarning[] = [];
  const redrive: { id: string; name: string; attrs: Record<string, string> }[] = [];
  for (const [id, res] of Object.entries(template.resources ?? {})) {
    if (res.Type !== 'AWS::SQS::Queue') continue;
    const p = res.Properties ?? {};
    const attrs: Record<string, string> = {};
    const later: Record<string, string> = {};
    let tags: Record<string, string> = {};
    for (const [key, value] of Object.entries(p)) {
      if (key === 'QueueName') continue;
      if (NUMBERS.includes(key) || STRINGS.includes(key) || BOOLEANS.includes(key)) attrs[key] = String(value);
      else if (POLICIES.includes(key)) later[key] = typeof value === 'string' ? value : JSON.stringify(value);
      else if (key === 'Tags' && Array.isArray(value)) {
        tags = Object.fromEntries(value.map((t: { Key?: unknown; Value?: unknown }) => [String(t?.Key), String(t?.Value ?? '')]));
      } else warnings.push({ resource: id, message: `AWS::SQS::Queue property ${key} is not used locally (ignored)` });
    }
    if (attrs.FifoQueue === 'false') delete attrs.FifoQueue;
    const name = templateQueueName(id, p);
    try {
      const existing = queues.byName(name);
      if (existing && existing.fifo !== (attrs.FifoQueue === 'true')) {
        queues.delete(existing);
        warnings.push({ resource: id, message: `queue ${name} kept in --data-dir had another type; recreated empty` });
      }
      const kept = queues.byName(name);
      if (kept) {
        // What the template no longer sets goes back to AWS's default (a removed redrive policy is removed).
        const { FifoQueue: _fifo, ...defaults } = kept.fifo ? FIFO_DEFAULTS : STANDARD_DEFAULTS;
        const reset = Object.fromEntries(Object.entries(defaults).filter(([k, v]) => attrs[k] === undefined && kept.attributes[k] !== v));
        const { FifoQueue: _f, ...settable } = attrs;
        queues.setAttributes(kept, { ...reset, ...settable });
        for (const k of POLICIES) if (later[k] === undefined && kept.attributes[k] !== undefined) later[k] = '';
        queues.setTags(kept, tags);
      } else {
        queues.create(name, attrs, tags);
      }
      if (Object.keys(later).length) redrive.push({ id, name, attrs: later });
    } catch (err) {
      if (!(err instanceof SqsError)) throw err;
      warnings.push({ resource: id, message: `queue ${name} not created: ${err.message}` });
    }
  }
  // Redrive policies once every queue (their dead-letter targets) exists.
  for (const r of redrive) {
    const q = queues.byName(r.name);
    if (!q) continue;
    try {
      queues.setAttributes(q, r.attrs);
    } catch (err) {
      if (!(err instanceof SqsError)) throw err;
      warnings.push({ resource: r.id, message: `queue ${r.name}: ${err.message}` });
    }
  }
  return warnings;
}
