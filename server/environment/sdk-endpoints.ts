// What lets a function's own AWS SDK calls reach the emulator: the service-specific endpoint variables
// the AWS SDKs read (AWS_ENDPOINT_URL_<SERVICE>; SDK for JavaScript v3 ≥ 3.451, boto3 ≥ 1.28, the aws CLI
// ≥ 2.13) for the services ephemera serves. A function's own Environment still wins. The suffix is the
// service id in capitals with `_` for spaces: EventBridge's id is `EventBridge` (boto3 and the aws CLI
// map their `events` client to it too), EventBridge Scheduler's is `Scheduler`.

/** The URL a worker on this machine reaches the emulator at, from the address it listens on. */
export function emulatorUrl(host: string, port: number): string {
  const local = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
  return `http://${local.includes(':') ? `[${local}]` : local}:${port}`;
}

export function sdkEndpointVars(url: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_LAMBDA: url,
    AWS_ENDPOINT_URL_SQS: url,
    AWS_ENDPOINT_URL_SNS: url,
    AWS_ENDPOINT_URL_KINESIS: url,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: url,
    AWS_ENDPOINT_URL_EVENTBRIDGE: url,
    AWS_ENDPOINT_URL_SCHEDULER: url,
  };
}
