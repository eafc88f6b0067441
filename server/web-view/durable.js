// The web view's durable executions: polls /_ephemera/durable/executions, one row per execution
// (status, function, invocations, environments); opening a row loads its detail: the operations
// (status, attempts, timings) and the invocations with the environment that ran each replay.
import { fill, getJson, h, ms, short } from './dom.js';

const $ = (id) => document.getElementById(id);
const open = new Set();
const details = new Map();

// Time of day; the date too when it is not today (a retention deadline days away).
const when = (iso) => (!iso ? '' : iso.slice(0, 10) === new Date().toISOString().slice(0, 10) ? iso.slice(11, 23) : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`);
const statusClass = (s) => (s === 'SUCCEEDED' ? 'status-success' : s === 'RUNNING' || s === 'STARTED' || s === 'PENDING' || s === 'READY' ? '' : 'status-error');

function operationsTable(d) {
  return h('table', { class: 'durable-operations' },
    h('thead', {}, h('tr', {}, ['operation', 'type', 'status', 'attempts', 'started', 'ended', 'duration', 'detail'].map((c) => h('th', {}, c)))),
    h('tbody', {}, d.operations.map((o) => h('tr', { dataset: { operation: o.name ?? o.id, status: o.status } },
      h('td', { class: 'mono', title: o.id }, o.name ?? short(o.id)), h('td', {}, o.type), h('td', { class: statusClass(o.status) }, o.status),
      h('td', {}, o.attempts ?? ''), h('td', { class: 'mono muted' }, when(o.startedAt)), h('td', { class: 'mono muted' }, when(o.endedAt)),
      h('td', {}, o.durationMs === undefined ? '' : ms(o.durationMs)),
      h('td', { class: 'mono muted' }, o.scheduledEnd ? `until ${when(o.scheduledEnd)}` : o.nextAttempt ? `next attempt ${when(o.nextAttempt)}`
        : o.chainedFunction ? `→ ${o.chainedFunction}` : o.error ? `${o.error.ErrorType ?? 'error'}: ${o.error.ErrorMessage ?? ''}` : '')))));
}

function invocationsTable(d) {
  const first = d.invocations[0]?.environment;
  return h('table', { class: 'durable-invocations' },
    h('thead', {}, h('tr', {}, ['#', 'request id', 'environment', 'started', 'duration', 'outcome', 'woken by'].map((c) => h('th', {}, c)))),
    h('tbody', {}, d.invocations.map((i) => h('tr', { dataset: { environment: i.environment ?? '', outcome: i.outcome } },
      h('td', {}, i.number === 1 ? '1' : `${i.number} (replay)`),
      h('td', {}, h('a', { href: `#inv-${i.requestId}`, class: 'mono', title: i.requestId }, short(i.requestId))),
      h('td', { class: 'mono', title: i.environment ?? '' }, `${short(i.environment)}${i.cold ? ' cold' : ''}${i.environment && i.environment !== first ? ' (another environment)' : ''}`),
      h('td', { class: 'mono muted' }, when(i.startedAt)), h('td', {}, i.durationMs === undefined ? '' : ms(i.durationMs)),
      h('td', { class: statusClass(i.outcome === 'PENDING' ? 'PENDING' : i.outcome) }, i.error ? `${i.outcome} (${i.error.ErrorType ?? ''})` : i.outcome),
      h('td', { class: 'mono muted' }, (i.updatedOperationIds ?? []).map(short).join(', '))))));
}

function row(e) {
  const d = details.get(e.id);
  const el = h('details', { class: 'durable', dataset: { execution: e.id, status: e.status }, open: open.has(e.id) },
    h('summary', {},
      h('span', { class: 'mono muted' }, when(e.startedAt)), h('span', { class: 'mono' }, `${e.function}:${e.qualifier}`),
      h('span', { class: statusClass(e.status) }, e.status), h('span', { class: 'mono', title: e.arn }, e.name),
      h('span', {}, `${e.operations} operations · ${e.invocations} invocations · ${e.environments} environments`),
      e.durationMs === undefined ? null : h('span', {}, ms(e.durationMs))),
    d ? h('div', { class: 'durable-detail' }, operationsTable(d), invocationsTable(d),
      d.timers.length ? h('p', { class: 'muted' }, `timers: ${d.timers.map((t) => `${t.kind}${t.name ? ` ${t.name}` : ''} at ${when(t.dueAt)}`).join('; ')}`) : null,
      d.error ? h('p', { class: 'status-error' }, `${d.error.ErrorType ?? 'error'}: ${d.error.ErrorMessage ?? ''}`) : null)
      : h('p', { class: 'muted' }, 'loading…'));
  el.addEventListener('toggle', () => {
    if (el.open) {
      open.add(e.id);
      void refresh();
    } else open.delete(e.id);
  });
  return el;
}

async function refresh() {
  let executions;
  try {
    ({ executions } = await getJson('/_ephemera/durable/executions'));
  } catch {
    return;
  }
  await Promise.all([...open].map(async (id) => details.set(id, await getJson(`/_ephemera/durable/executions/${encodeURIComponent(id)}`).catch(() => details.get(id)))));
  $('durable-section').hidden = executions.length === 0;
  fill($('durable'), executions.slice(0, 50).map(row));
}

void refresh();
setInterval(() => void refresh(), 2000);
