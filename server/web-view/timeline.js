// The live timeline: one lane per execution environment, its INIT / INVOKE / idle / frozen segments
// over the last `windowMs`, from the server's environment events (times are the server's clock).
import { h, short } from './dom.js';

export class Timeline {
  constructor(el, windowMs = 60_000) {
    this.el = el;
    this.windowMs = windowMs;
    /** id -> { label, segments: [{ phase, start, end?, requestId? }], endedAt? } */
    this.lanes = new Map();
    /** client clock minus server clock, from the events seen. */
    this.skew = undefined;
  }

  /** An environment event (or a known state at load time) at server time `at`. */
  record({ id, function: fn, phase, at, requestId }) {
    this.observeClock(at);
    let lane = this.lanes.get(id);
    if (!lane) {
      lane = { label: `${fn} · ${short(id)}`, segments: [] };
      this.lanes.set(id, lane);
    }
    const last = lane.segments.at(-1);
    if (last && last.end === undefined) {
      if (last.phase === phase && last.requestId === requestId) return;
      last.end = at;
    }
    if (phase === 'terminated') {
      lane.endedAt = at;
      return;
    }
    lane.segments.push({ phase, start: at, requestId });
  }

  observeClock(at) {
    const skew = Date.now() - at;
    if (this.skew === undefined || skew < this.skew) this.skew = skew;
  }

  render() {
    const now = Date.now() - (this.skew ?? 0);
    const from = now - this.windowMs;
    const lanes = [];
    for (const [id, lane] of this.lanes) {
      if (lane.endedAt !== undefined && lane.endedAt < from) {
        this.lanes.delete(id);
        continue;
      }
      lane.segments = lane.segments.filter((s) => s.end === undefined || s.end >= from);
      const segments = lane.segments.map((s) => {
        const start = Math.max(s.start, from);
        const end = s.end ?? now;
        const title = `${s.phase}${s.requestId ? ` ${s.requestId}` : ''}: ${Math.max(0, end - s.start).toFixed(0)} ms`;
        return h('div', {
          class: 'segment', title, dataset: { phase: s.phase, ...(s.requestId ? { requestId: s.requestId } : {}) },
          style: `left:${((start - from) / this.windowMs) * 100}%;width:${(Math.max(0, end - start) / this.windowMs) * 100}%`,
        });
      });
      lanes.push(h('div', { class: 'lane', dataset: { envId: id } },
        h('div', { class: 'lane-label mono', title: id }, lane.label),
        h('div', { class: 'lane-track' }, segments)));
    }
    this.el.replaceChildren(...(lanes.length ? lanes : [h('p', { class: 'muted', style: 'margin:.4em .6em' }, 'Nothing ran in this window.')]));
  }
}
