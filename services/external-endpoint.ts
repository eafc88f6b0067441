// One external endpoint (another ephemera, LocalStack, ElasticMQ, DynamoDB Local, or AWS itself as
// `aws`): an AWS SDK client per region and one source object per ARN, made on first use, closed together.

/** Client options for an endpoint: `aws` = the SDK's defaults; a URL takes the environment's or dummy credentials. */
export function endpointClientConfig(endpoint: string, region: string): Record<string, unknown> {
  if (endpoint === 'aws') return { region };
  return {
    region, endpoint,
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID || 'test',
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY || 'test',
      sessionToken: process.env.AWS_ACCESS_KEY_ID ? process.env.AWS_SESSION_TOKEN : undefined,
    },
  };
}

export interface ExternalEndpointSpec<C, S> {
  /** `aws` or the endpoint URL. */
  endpoint: string;
  /** The ARNs this endpoint serves; the named group `region` picks the client. */
  arn: RegExp;
  client(config: Record<string, unknown>): C;
  source(client: C, arn: string, groups: Record<string, string>): S;
}

export class ExternalEndpoint<C extends { destroy(): void }, S> {
  private readonly spec: ExternalEndpointSpec<C, S>;
  private readonly clients = new Map<string, C>();
  private readonly sources = new Map<string, S>();

  constructor(spec: ExternalEndpointSpec<C, S>) {
    this.spec = spec;
  }

  /** The source for `arn`, or undefined when the ARN is not of this endpoint's kind. */
  byArn = (arn: string): S | undefined => {
    const groups = this.spec.arn.exec(arn)?.groups;
    if (!groups) return undefined;
    let source = this.sources.get(arn);
    if (!source) {
      let client = this.clients.get(groups.region);
      if (!client) {
        client = this.spec.client(endpointClientConfig(this.spec.endpoint, groups.region));
        this.clients.set(groups.region, client);
      }
      source = this.spec.source(client, arn, groups);
      this.sources.set(arn, source);
    }
    return source;
  };

  /** Close the SDK clients' sockets. */
  close(): void {
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
    this.sources.clear();
  }
}
