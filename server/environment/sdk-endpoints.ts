// Where a function's own AWS SDK calls go: the service-specific endpoint variables the AWS SDKs read
// (AWS_ENDPOINT_URL_<SERVICE>; SDK for JavaScript v3 ≥ 3.451, boto3 ≥ 1.28, the aws CLI ≥ 2.13) for the
// services ephemera serves, those the user names (--endpoint-url, or AWS_ENDPOINT_URL_<SERVICE> in the
// emulator's own environment, passed through), and for every other service AWS_ENDPOINT_URL pointing
// at the emulator's "not emulated" answer (http/not-emulated.ts), so a call to a service with no
// endpoint fails at once with a clear error instead of going to AWS with placeholder credentials.
// A function's own Environment still wins over all of them. The suffix is the service id in capitals
// with `_` for spaces: EventBridge's is `EventBridge` (boto3 and the aws CLI map `events` to it too),
// EventBridge Scheduler's is `Scheduler`.

/** The URL a worker on this machine reaches the emulator at, from the address it listens on. */
export function emulatorUrl(host: string, port: number): string {
  const local = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
  return `http://${local.includes(':') ? `[${local}]` : local}:${port}`;
}

/** The path on the main port that answers every request with the "not emulated" error. */
export const NOT_EMULATED_PATH = '/_ephemera/not-emulated';

/** Signing names whose endpoint variable is named after another service id (AWS_ENDPOINT_URL_<id>). */
const SERVICE_IDS: Readonly<Record<string, string>> = {
  secretsmanager: 'SECRETS_MANAGER', events: 'EVENTBRIDGE', states: 'SFN', logs: 'CLOUDWATCH_LOGS', monitoring: 'CLOUDWATCH',
  email: 'SES', 'cognito-idp': 'COGNITO_IDENTITY_PROVIDER', 'cognito-identity': 'COGNITO_IDENTITY', apigateway: 'API_GATEWAY',
  'execute-api': 'API_GATEWAY', es: 'OPENSEARCH', elasticloadbalancing: 'ELASTIC_LOAD_BALANCING', 'application-autoscaling': 'APPLICATION_AUTO_SCALING',
};

/** `dynamodb` → DYNAMODB, `secretsmanager`, `secrets-manager`, `Secrets Manager` → SECRETS_MANAGER: the part after AWS_ENDPOINT_URL_. */
export function endpointServiceId(name: string): string {
  return SERVICE_IDS[name.toLowerCase()] ?? name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

/** The services ephemera serves itself, by their endpoint variable's suffix. */
export const EMULATED_SERVICES = ['LAMBDA', 'SQS', 'SNS', 'KINESIS', 'DYNAMODB_STREAMS', 'EVENTBRIDGE', 'SCHEDULER'] as const;

export interface EndpointInput {
  /** The emulator's URL (once listening). */
  url: string;
  /** --sdk-endpoints: the emulated services and the "not emulated" answer (off: the SDKs' own defaults, AWS). */
  sdkEndpoints: boolean;
  /** --endpoint-url: service (`DYNAMODB`) → URL. */
  flags: Readonly<Record<string, string>>;
  /** The emulator's own environment: its AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> are passed through. */
  hostEnv: Readonly<Record<string, string | undefined>>;
}

export type EndpointSource = 'emulator' | 'not emulated' | '--endpoint-url' | 'environment';

/** Every endpoint variable a function gets, with where each came from (for the start-up line). */
export function endpointVars(i: EndpointInput): Record<string, { url: string; from: EndpointSource }> {
  const out: Record<string, { url: string; from: EndpointSource }> = {};
  if (i.sdkEndpoints) {
    out.AWS_ENDPOINT_URL = { url: `${i.url}${NOT_EMULATED_PATH}`, from: 'not emulated' };
    for (const s of EMULATED_SERVICES) out[`AWS_ENDPOINT_URL_${s}`] = { url: i.url, from: 'emulator' };
  }
  for (const [name, value] of Object.entries(i.hostEnv)) {
    if (value && /^AWS_ENDPOINT_URL(_[A-Z0-9_]+)?$/.test(name)) out[name] = { url: value, from: 'environment' };
  }
  for (const [service, url] of Object.entries(i.flags)) out[`AWS_ENDPOINT_URL_${service}`] = { url, from: '--endpoint-url' };
  return out;
}

/** The variables alone. */
export function sdkEndpointVars(i: EndpointInput): Record<string, string> {
  return Object.fromEntries(Object.entries(endpointVars(i)).map(([k, v]) => [k, v.url]));
}

/** One start-up line: where the functions' AWS calls go, when anything besides the emulator is involved. */
export function endpointsLine(i: EndpointInput): string | undefined {
  const vars = endpointVars(i);
  const named = Object.entries(vars).filter(([, v]) => v.from === '--endpoint-url' || v.from === 'environment');
  if (named.length === 0) return undefined;
  const services = named.map(([k, v]) => `${k.replace(/^AWS_ENDPOINT_URL_?/, '') || 'every other service'} → ${v.url} (${v.from === 'environment' ? k : '--endpoint-url'})`);
  const rest = vars.AWS_ENDPOINT_URL?.from === 'not emulated' ? '; any other service answers "not emulated" (--endpoint-url <service>=<url> gives it one)' : '';
  return `functions' AWS calls: ${services.join(', ')}${rest}`;
}
