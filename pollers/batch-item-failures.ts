// ReportBatchItemFailures: reads a function's response into "all succeeded", "all failed" or the list
// of failed item identifiers, with every edge case AWS defines (reference §8.2 SQS, §8.3 streams).
// SQS identifiers are message ids; stream identifiers are sequence numbers (compared as BigInt).

export type BatchItemResult =
  | { kind: 'success' }
  /** The whole batch goes back (as for a function error). */
  | { kind: 'failure'; reason: string }
  /** Only these identifiers failed (distinct, in the order the function listed them). */
  | { kind: 'partial'; failed: string[] };

/**
 * Parse a successful invocation's response. `known` holds the identifiers of the batch: an identifier
 * outside it fails the whole batch. `source` decides what an empty response means (streams accept `""`).
 */
export function parseBatchItemFailures(payload: Buffer | string, known: ReadonlySet<string>, source: 'sqs' | 'stream' = 'sqs'): BatchItemResult {
  const text = (typeof payload === 'string' ? payload : payload.toString('utf8')).trim();
  // A handler that returns nothing answers `null`; an empty body means the same.
  if (text === '') return { kind: 'success' };
  let response: unknown;
  try {
    response = JSON.parse(text);
  } catch {
    return { kind: 'failure', reason: 'the response is not valid JSON' };
  }
  if (response === null) return { kind: 'success' };
  if (response === '' && source === 'stream') return { kind: 'success' };
  if (typeof response !== 'object' || Array.isArray(response)) {
    // A string, number or list cannot be read as an event response.
    return { kind: 'failure', reason: 'the response is not a JSON object' };
  }
  const list = (response as Record<string, unknown>).batchItemFailures;
  if (list === undefined || list === null) return { kind: 'success' };
  if (!Array.isArray(list)) return { kind: 'failure', reason: 'batchItemFailures is not a list' };
  if (list.length === 0) return { kind: 'success' };
  const failed: string[] = [];
  const seen = new Set<string>();
  for (const item of list) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      return { kind: 'failure', reason: 'a batchItemFailures entry is not an object' };
    }
    if (!('itemIdentifier' in item)) return { kind: 'failure', reason: 'a batchItemFailures entry has no itemIdentifier' };
    const id = (item as { itemIdentifier: unknown }).itemIdentifier;
    if (id === null || id === undefined || id === '') return { kind: 'failure', reason: 'an itemIdentifier is empty or null' };
    if (typeof id !== 'string' || !known.has(id)) {
      return { kind: 'failure', reason: `itemIdentifier ${JSON.stringify(id)} is not in the batch` };
    }
    if (!seen.has(id)) {
      seen.add(id);
      failed.push(id);
    }
  }
  return { kind: 'partial', failed };
}

/** Streams: the lowest failed sequence number (the checkpoint goes just before it). */
export function lowestSequenceNumber(ids: readonly string[]): string | undefined {
  let low: bigint | undefined;
  let out: string | undefined;
  for (const id of ids) {
    const n = BigInt(id);
    if (low === undefined || n < low) {
      low = n;
      out = id;
    }
  }
  return out;
}
