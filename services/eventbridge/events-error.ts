// An EventBridge API error: its wire type (ResourceNotFoundException, ValidationException, ...) and
// AWS's message. The JSON-protocol helper (services/streams/json-protocol.ts) renders it as
// `{"__type": type, "message": message}` with status 400, as AWS's JSON services do.
import { StreamError } from '../streams/stream.ts';

export class EventsError extends StreamError {}

export const notFound = (what: string): EventsError => new EventsError('ResourceNotFoundException', what);
export const invalid = (message: string): EventsError => new EventsError('ValidationException', message);

export const busNotFound = (name: string): EventsError => notFound(`Event bus ${name} does not exist.`);
export const ruleNotFound = (rule: string, bus: string): EventsError => notFound(`Rule ${rule} does not exist on EventBus ${bus}.`);
