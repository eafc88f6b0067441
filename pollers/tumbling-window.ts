// Tumbling windows for stream mappings (TumblingWindowInSeconds): windows aligned to multiples of the
// window length since the epoch, a record belongs to the window of its arrival time, and the event
// envelope (window, state, shardId, eventSourceARN, isFinalInvokeForWindow, isWindowTerminatedEarly).

/** State above this (JSON bytes) ends the window early, as on AWS (1 MB per shard). */
export const MAX_STATE_BYTES = 1024 * 1024;

export interface Window {
  /** Epoch ms, inclusive. */
  start: number;
  /** Epoch ms, exclusive. */
  end: number;
}

/** The window a record that arrived at `arrivalMs` belongs to. */
export function windowOf(arrivalMs: number, seconds: number): Window {
  const len = seconds * 1000;
  const start = Math.floor(arrivalMs / len) * len;
  return { start, end: start + len };
}

/** AWS writes window bounds as ISO 8601 without milliseconds when they are whole seconds. */
export function isoSeconds(ms: number): string {
  const iso = new Date(ms).toISOString();
  return ms % 1000 === 0 ? iso.replace('.000Z', 'Z') : iso;
}

export interface WindowEnvelope {
  window: { start: string; end: string };
  state: Record<string, unknown>;
  shardId: string;
  eventSourceARN: string;
  isFinalInvokeForWindow: boolean;
  isWindowTerminatedEarly: boolean;
}

export function windowEnvelope(w: Window, state: Record<string, unknown>, shardId: string, streamArn: string, final: boolean, early: boolean): WindowEnvelope {
  return {
    window: { start: isoSeconds(w.start), end: isoSeconds(w.end) },
    state,
    shardId,
    eventSourceARN: streamArn,
    isFinalInvokeForWindow: final,
    isWindowTerminatedEarly: early,
  };
}

export function stateTooLarge(state: Record<string, unknown>): boolean {
  return Buffer.byteLength(JSON.stringify(state)) > MAX_STATE_BYTES;
}
