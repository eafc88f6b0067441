// The web view's page logic: loads functions, metrics, environments and recent invocations from the
// emulator's endpoints, then follows GET /_ephemera/events (SSE) for environment state changes and
// finished invocations; polls queue and stream depths (shown as "none" where those endpoints 404).
import { clock, fill, getJson, h, ms, short } from './dom.js';
import { Timeline } from './timeline.js';

const MAX_INVOCATIONS = 50;
const $ = (id) => document.getElementById(id);

const state = {
  functions: [],
  metrics: { total: {}, functions: {} },
  /** id -> environment as /_ephemera/environments describes it (events update state/frozen/pid). */
  envs: new Map(),
  invocations: [],
  /** Front door requests, newest first. */
  http: [],
};
const timeline = new Timeline($('timeline'));
// The timeline's window: the select, or ?window=<seconds> in the address.
const windowSelect = $('window');
const asked = new URLSearchParams(location.search).get('window');
if (asked && /^\d+$/.test(asked) && Number(asked) > 0) {
  if (![...windowSelect.options].some((o) => o.value === asked)) windowSelect.append(h('option', { value: asked }, `${asked} s`));
  windowSelect.value = asked;
}
const setWindow = () => {
  timeline.windowMs = Number(windowSelect.value) * 1000;
  timeline.render();
};
windowSelect.addEventListener('change', setWindow);
setWindow();

function leakText(leaks) {
  return (leaks ?? []).map((l) => `${l.kind}${l.count > 1 ? ` x${l.count}` : ''}${l.createdAt ? ` at ${l.createdAt}` : ''}`).join('; ');
}

function renderFunctions() {
  const envCount = (name) => [...state.envs.values()].filter((e) => e.function === name).length;
  fill($('functions').tBodies[0], state.functions.map((f) => {
    const c = state.metrics.functions[f.FunctionName] ?? {};
    const leaks = Object.values(c.leaks ?? {}).reduce((a, b) => a + b, 0);
    const invoke = () => fetch(`/2015-03-31/functions/${encodeURIComponent(f.FunctionName)}/invocations`, { method: 'POST', body: '{}' });
    return h('tr', { dataset: { function: f.FunctionName } },
      h('td', { class: 'mono' }, f.FunctionName), h('td', {}, f.Runtime), h('td', {}, `${f.MemorySize} MB`), h('td', {}, `${f.Timeout} s`),
      h('td', {}, envCount(f.FunctionName)), h('td', {}, c.invocations ?? 0), h('td', {}, c.coldStarts ?? 0),
      h('td', {}, c.errors ?? 0), h('td', { class: leaks ? 'leak' : '' }, leaks),
      h('td', {}, h('button', { onclick: invoke, title: 'Invoke with {}' }, 'invoke')));
  }));
  const t = state.metrics.total;
  $('totals').textContent = `${t.invocations ?? 0} invocations · ${t.coldStarts ?? 0} cold starts · ${t.errors ?? 0} errors`;
}

function renderEnvironments() {
  const envs = [...state.envs.values()].sort((a, b) => a.function.localeCompare(b.function) || a.id.localeCompare(b.id));
  fill($('environments').tBodies[0], envs.map((e) => {
    const { phase } = e;
    const leaks = leakText(e.leaks?.lastInvocation);
    return h('tr', { dataset: { envId: e.id, phase } },
      h('td', { class: 'mono', title: e.id }, short(e.id)), h('td', { class: 'mono' }, e.function),
      h('td', {}, h('span', { class: 'phase', dataset: { phase } }, phase)), h('td', {}, e.pid ?? ''),
      h('td', { class: 'in-flight', title: 'invocations running now / the most it runs at once' }, `${e.inFlight ?? 0}/${e.capacity ?? 1}`),
      h('td', {}, e.invocations), h('td', {}, e.initDurationMs ? ms(e.initDurationMs) : ''),
      h('td', {}, e.maxMemoryUsedMB ? `${e.maxMemoryUsedMB} MB` : ''), h('td', { class: leaks ? 'leak' : '' }, leaks));
  }));
  $('no-environments').hidden = envs.length > 0;
  renderFunctions();
}

function invocationRow(inv) {
  const leaks = leakText(inv.leaks);
  return h('details', { class: 'invocation', id: `inv-${inv.requestId}`, dataset: { requestId: inv.requestId, status: inv.status } },
    h('summary', {},
      h('span', { class: 'mono muted' }, clock(inv.endedAt)),
      h('span', { class: 'mono' }, inv.function),
      h('span', { class: `status-${inv.status}` }, inv.errorType ? `${inv.status} (${inv.errorType})` : inv.status),
      h('span', {}, ms(inv.durationMs)),
      inv.cold ? h('span', { class: 'badge', title: 'cold start' }, `cold${inv.initDurationMs ? ` +${ms(inv.initDurationMs)} init` : ''}`) : null,
      h('span', { class: 'muted' }, `${inv.maxMemoryUsedMB} MB`),
      leaks ? h('span', { class: 'leak', title: leaks }, `leaked: ${inv.leaks.reduce((n, l) => n + l.count, 0)}`) : null,
      h('span', { class: 'mono muted', title: inv.requestId }, inv.requestId),
      h('span', { class: 'mono muted', title: `environment ${inv.environment}` }, `env ${short(inv.environment)}`)),
    h('pre', {}, inv.log || '(no log)'));
}

function renderInvocations() {
  fill($('invocations'), state.invocations.map(invocationRow));
  $('no-invocations').hidden = state.invocations.length > 0;
}

function httpRow(r) {
  const failed = r.status >= 400;
  // The invocation id links to its row in "Recent invocations" (log, leaks).
  const link = r.invocationId
    ? h('a', { href: `#inv-${r.invocationId}`, class: 'mono', title: r.invocationId, onclick: () => openInvocation(r.invocationId) }, short(r.invocationId))
    : h('span', { class: 'muted', title: r.detail ?? '' }, r.detail ?? '');
  return h('tr', { dataset: { invocationId: r.invocationId ?? '', status: String(r.status) } },
    h('td', { class: 'mono muted' }, clock(r.at)), h('td', { class: 'mono' }, r.target), h('td', {}, r.method),
    h('td', { class: 'mono', title: r.path }, r.path.length > 60 ? `${r.path.slice(0, 60)}…` : r.path),
    h('td', { class: failed ? 'status-error' : 'status-success', title: r.detail ?? '' }, r.status), h('td', { class: 'mono' }, r.route ?? ''),
    h('td', {}, ms(r.durationMs)), h('td', {}, link));
}

function openInvocation(id) {
  const row = document.querySelector(`details.invocation[data-request-id="${id}"]`);
  if (row) {
    row.open = true;
    row.scrollIntoView({ block: 'center' });
  }
}

function renderHttp() {
  fill($('http-requests').tBodies[0], state.http.map(httpRow));
  $('no-http-requests').hidden = state.http.length > 0;
}

function onHttp(r) {
  state.http = [r, ...state.http].slice(0, MAX_INVOCATIONS);
  renderHttp();
}

function table(columns, rows) {
  return h('table', {}, h('thead', {}, h('tr', {}, columns.map((c) => h('th', {}, c)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((v) => h('td', {}, v))))));
}

async function refreshSources() {
  const show = async (id, path, key, columns, row) => {
    const el = $(id);
    try {
      const list = (await getJson(path))[key] ?? [];
      el.className = '';
      fill(el, list.length ? [table(columns, list.map(row))] : [h('span', { class: 'muted' }, 'none declared')]);
    } catch (err) {
      el.className = 'muted';
      fill(el, [err.status === 404 ? 'none (this emulator has no such endpoint)' : `unavailable (${err.message})`]);
    }
  };
  await Promise.all([
    show('queues', '/_ephemera/queues', 'queues', ['name', 'fifo', 'visible', 'in flight', 'delayed'],
      (q) => [q.name, q.fifo ? 'yes' : '', q.visible, q.inFlight, q.delayed]),
    show('streams', '/_ephemera/streams', 'streams', ['name', 'kind', 'shards', 'records'],
      (s) => [s.name, s.kind, s.shards, s.records]),
    show('mappings', '/_ephemera/event-source-mappings', 'mappings', ['function', 'source', 'state', 'batch size', 'counters'],
      (m) => [m.FunctionArn.split(':function:')[1], m.EventSourceArn.split(':').pop(), m.State, m.BatchSize,
        Object.entries(m.Counters ?? {}).map(([k, v]) => `${k} ${v}`).join(', ')]),
  ]);
}

async function refreshMetrics() {
  state.metrics = await getJson('/_ephemera/metrics');
  renderFunctions();
}

async function refreshEnvironments() {
  const { environments } = await getJson('/_ephemera/environments');
  const seen = new Set();
  for (const e of environments) {
    seen.add(e.id);
    state.envs.set(e.id, e);
  }
  for (const id of state.envs.keys()) if (!seen.has(id)) state.envs.delete(id);
  renderEnvironments();
}

async function listFunctions() {
  const out = [];
  let marker = '';
  do {
    const page = await getJson(`/2015-03-31/functions?MaxItems=50${marker ? `&Marker=${encodeURIComponent(marker)}` : ''}`);
    out.push(...page.Functions);
    marker = page.NextMarker;
  } while (marker);
  return out;
}

async function refreshFunctions() {
  state.functions = await listFunctions();
  renderFunctions();
}

function onEnvironment(ev) {
  timeline.record(ev);
  if (ev.phase === 'terminated') state.envs.delete(ev.id);
  else state.envs.set(ev.id, { ...(state.envs.get(ev.id) ?? {}), id: ev.id, function: ev.function, state: ev.state, phase: ev.phase, frozen: ev.frozen, pid: ev.pid, invocations: ev.invocations, inFlight: ev.inFlight, capacity: ev.capacity });
  renderEnvironments();
}

let metricsTimer;
function onInvocation(inv) {
  state.invocations = [inv, ...state.invocations.filter((i) => i.requestId !== inv.requestId || i.endedAt !== inv.endedAt)].slice(0, MAX_INVOCATIONS);
  renderInvocations();
  clearTimeout(metricsTimer);
  metricsTimer = setTimeout(() => void Promise.all([refreshMetrics(), refreshEnvironments()]).catch(() => {}), 100);
}

function connect(onReady) {
  const live = $('live');
  const source = new EventSource('/_ephemera/events');
  const buffered = [];
  let loaded = false;
  const handle = (type, data) => (type === 'environment' ? onEnvironment(data) : type === 'http' ? onHttp(data) : onInvocation(data));
  for (const type of ['environment', 'invocation', 'http']) {
    source.addEventListener(type, (e) => {
      const data = JSON.parse(e.data);
      if (loaded) handle(type, data);
      else buffered.push([type, data]);
    });
  }
  source.onopen = () => {
    live.dataset.state = 'live';
    live.textContent = 'live';
    // (Re)load the snapshot after subscribing, then apply what arrived meanwhile.
    loaded = false;
    onReady().then(() => {
      loaded = true;
      for (const [type, data] of buffered.splice(0)) handle(type, data);
    });
  };
  source.onerror = () => {
    live.dataset.state = 'reconnecting';
    live.textContent = 'reconnecting…';
  };
}

async function load() {
  const [health, functions, metrics, { environments }, { invocations }, { requests }] = await Promise.all([
    getJson('/_ephemera/health'), listFunctions(), getJson('/_ephemera/metrics'),
    getJson('/_ephemera/environments'), getJson('/_ephemera/invocations?limit=50'),
    getJson('/_ephemera/http-requests?limit=50').catch(() => ({ requests: [] })),
  ]);
  state.http = requests;
  $('server').textContent = `v${health.version} · isolation ${health.isolation}`;
  state.functions = functions;
  state.metrics = metrics;
  state.envs = new Map(environments.map((e) => [e.id, e]));
  for (const e of environments) timeline.record({ id: e.id, function: e.function, phase: e.phase, at: Date.now() - (timeline.skew ?? 0) });
  state.invocations = invocations;
  renderEnvironments();
  renderInvocations();
  renderHttp();
}

connect(() => load().catch((err) => {
  $('server').textContent = `could not load: ${err.message}`;
}));
void refreshSources();
setInterval(() => void refreshSources(), 3000);
// Also catches what sends no event: functions created or deleted through the API, throttles.
setInterval(() => void Promise.all([refreshEnvironments(), refreshMetrics(), refreshFunctions()]).catch(() => {}), 5000);
setInterval(() => timeline.render(), 250);
