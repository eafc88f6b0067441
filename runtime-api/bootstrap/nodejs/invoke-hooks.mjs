// HOOK POINT for per-invocation leak tracking (design §5) — intentionally NOT implemented yet.
// A later issue fills these in (async_hooks per request; report via extra headers on GET /next).
// Keep them cheap: they sit on the warm-invoke hot path.

/** Called once per invocation, just before the handler runs. */
export function invocationStarted(_requestId) {}

/** Called once per invocation, after its response/error was posted, before the next GET /next. */
export function invocationFinished(_requestId) {}

/** Extra headers for the next GET /next (the leak report side channel); undefined = none. */
export function nextRequestHeaders() {
  return undefined;
}
