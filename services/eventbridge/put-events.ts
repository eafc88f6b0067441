// PutEvents: AWS's size rule for the whole request, then each entry checked on its own (a failed entry
// gets ErrorCode/ErrorMessage, the others an EventId), then each accepted event routed on its bus.
import { randomUUID } from 'node:crypto';
import { type BusEvent, eventTime } from './event-bus-model.ts';
import type { EventBuses } from './event-buses.ts';
import { invalid } from './events-error.ts';

export interface PutEventsEntry {
  Time?: number;
  Source?: string;
  Resources?: string[];
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  TraceHeader?: string;
}

export type PutEventsResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

/** The entries of one request together: 256 KB. */
export const MAX_ENTRIES_BYTES = 262_144;

/** An entry's size as EventBridge counts it (Time 14 bytes, then the UTF-8 of the strings). */
export function entrySize(e: PutEventsEntry): number {
  const bytes = (s: string | undefined): number => (s === undefined ? 0 : Buffer.byteLength(s));
  return (e.Time !== undefined ? 14 : 0) + bytes(e.Source) + bytes(e.DetailType) + bytes(e.Detail)
    + (e.Resources ?? []).reduce((n, r) => n + bytes(r), 0);
}

const argument = (name: string): PutEventsResult => ({
  ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${name} is not valid. Reason: ${name} is a required argument.`,
});

/** The event an entry makes, or the entry's error. */
export function entryEvent(e: PutEventsEntry, ctx: { region: string; accountId: string; now: number }): BusEvent | PutEventsResult {
  if (e.Source === undefined || e.Source === '') return argument('Source');
  if (e.DetailType === undefined || e.DetailType === '') return argument('DetailType');
  if (e.Detail === undefined || e.Detail === '') return argument('Detail');
  if (e.Source.startsWith('aws.')) return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
  let detail: unknown;
  try {
    detail = JSON.parse(e.Detail);
  } catch {
    detail = undefined;
  }
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  return {
    version: '0', id: randomUUID(), 'detail-type': e.DetailType, source: e.Source, account: ctx.accountId,
    time: eventTime(e.Time !== undefined ? e.Time * 1000 : ctx.now), region: ctx.region, resources: e.Resources ?? [],
    detail: detail as Record<string, unknown>,
  };
}

export function putEvents(buses: EventBuses, entries: PutEventsEntry[], ctx: { region: string; accountId: string; now: number }) {
  if (entries.reduce((n, e) => n + entrySize(e), 0) > MAX_ENTRIES_BYTES) throw invalid('Total size of the entries in the request is over the limit.');
  const results: PutEventsResult[] = entries.map((e) => {
    const event = entryEvent(e, ctx);
    if (!('id' in event)) return event;
    buses.route(e.EventBusName, event);
    return { EventId: event.id };
  });
  return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
}
