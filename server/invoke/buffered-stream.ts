// A streamed response for a caller that takes a whole payload (Invoke, async invocation, event source
// mappings, API Gateway): Lambda buffers it up to the synchronous limit; a stream that ended in an error
// is that function error.
import { MAX_RESPONSE_BYTES, responseTooLargePayload } from '../../runtime-api/render.ts';
import { bufferStream } from '../../runtime-api/streaming-response.ts';
import type { InvokeOutcome } from '../environment/environment-types.ts';
import type { ResponseBody } from '../model.ts';

export async function bufferedOutcome(body: ResponseBody): Promise<InvokeOutcome> {
  const payload = await bufferStream(body, MAX_RESPONSE_BYTES);
  const end = await body.ended;
  if (end.error) return { payload: end.error.payload, functionError: 'Unhandled', errorType: end.error.errorType };
  if (payload === undefined) return { payload: responseTooLargePayload(), functionError: 'Unhandled', errorType: 'Function.ResponseSizeTooLarge' };
  return { payload };
}
