// What `Ref` and `Fn::GetAtt` give locally: pseudo parameters, template parameters, and the names,
// URLs and ARNs of the resources ephemera knows (functions, their versions and aliases, queues, topics,
// streams, tables, layers).

import { apiIdOf, rootResourceIdOf } from './api-model.ts';
import { API_ID_TYPES } from './api-resource-types.ts';

/** SAM's implicit APIs (from Api and HttpApi events): `!Ref ServerlessRestApi` is their id. */
const IMPLICIT_APIS = new Set(['ServerlessRestApi', 'ServerlessHttpApi']);

export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');
export type NoValue = typeof NO_VALUE;

export const STACK_NAME = 'ephemera';
/** Stand-in for the creation time CloudFormation puts in a DynamoDB stream ARN. */
export const STREAM_LABEL = '1970-01-01T00:00:00.000';

/**
 * The version number every published version of a template gets: a template deploys one
 * configuration per function, and publishing an unchanged function returns the same version.
 */
export const PUBLISHED_VERSION = '1';

export type RefResult = { ok: true; value: unknown } | { ok: false; reason: string };

export interface RawResource {
  Type: string;
  Properties: Record<string, unknown>;
}

export interface ReferenceContext {
  region: string;
  accountId: string;
  /** Parameter values: a string (or list for List<...> / CommaDelimitedList), undefined if unset. */
  parameters: Record<string, string | string[] | undefined>;
  resources: Record<string, RawResource>;
  /** Resolves a (possibly intrinsic) property of a resource to a string, or undefined when absent. */
  propertyString(logicalId: string, property: string): string | undefined;
  /** Where the template's queues are served (`http://127.0.0.1:3001`): their URLs then point there, not at AWS. */
  queueUrlBase?: string;
}

const FUNCTION_TYPES = new Set(['AWS::Serverless::Function', 'AWS::Lambda::Function']);
const LAYER_TYPES = new Set(['AWS::Serverless::LayerVersion', 'AWS::Lambda::LayerVersion']);

export class References {
  private readonly ctx: ReferenceContext;

  constructor(ctx: ReferenceContext) {
    this.ctx = ctx;
  }

  pseudo(name: string): unknown {
    const { region, accountId } = this.ctx;
    switch (name) {
      case 'AWS::Region': return region;
      case 'AWS::AccountId': return accountId;
      case 'AWS::StackName': return STACK_NAME;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${region}:${accountId}:stack/${STACK_NAME}/00000000-0000-0000-0000-000000000000`;
      case 'AWS::Partition': return 'aws';
      case 'AWS::URLSuffix': return 'amazonaws.com';
      case 'AWS::NotificationARNs': return [];
      case 'AWS::NoValue': return NO_VALUE;
      default: return undefined;
    }
  }

  ref(name: string): RefResult {
    const pseudo = this.pseudo(name);
    if (pseudo !== undefined) return { ok: true, value: pseudo };
    if (name.startsWith('AWS::')) return { ok: false, reason: `unknown pseudo parameter ${name}` };
    if (Object.hasOwn(this.ctx.parameters, name)) {
      const value = this.ctx.parameters[name];
      if (value === undefined) return { ok: false, reason: `parameter ${name} has no Default and no override` };
      return { ok: true, value };
    }
    const res = this.ctx.resources[name];
    if (!res && IMPLICIT_APIS.has(name)) return { ok: true, value: apiIdOf(name) };
    if (res && API_ID_TYPES.has(res.Type)) return { ok: true, value: apiIdOf(name) };
    if (!res) {
      // SAM: `!Ref MyFunction.Alias` / `!Ref MyFunction.Version` of a function with AutoPublishAlias.
      const dot = name.lastIndexOf('.');
      const sam = dot > 0 ? this.autoPublished(name.slice(0, dot), name.slice(dot + 1)) : undefined;
      return sam ?? { ok: false, reason: `${name} is not defined in this template` };
    }
    if (FUNCTION_TYPES.has(res.Type)) return { ok: true, value: this.name(name) };
    if (res.Type === 'AWS::Lambda::Version') return { ok: true, value: `${this.targetArn(name)}:${PUBLISHED_VERSION}` };
    if (res.Type === 'AWS::Lambda::Alias') return { ok: true, value: `${this.targetArn(name)}:${this.ctx.propertyString(name, 'Name') ?? name}` };
    switch (res.Type) {
      case 'AWS::SQS::Queue': return { ok: true, value: this.queueUrl(name) };
      case 'AWS::Events::Rule': {
        // A rule on another bus than the default is `bus|rule`.
        const bus = this.ruleBus(name);
        return { ok: true, value: bus ? `${bus}|${this.name(name)}` : this.name(name) };
      }
      case 'AWS::SNS::Topic': return { ok: true, value: this.arn('sns', this.name(name)) };
      case 'AWS::Kinesis::Stream':
      case 'AWS::DynamoDB::Table':
      case 'AWS::Events::EventBus':
      case 'AWS::Scheduler::Schedule':
      case 'AWS::Scheduler::ScheduleGroup': return { ok: true, value: this.name(name) };
    }
    if (LAYER_TYPES.has(res.Type)) return { ok: true, value: `${this.arn('lambda', `layer:${this.name(name)}`)}:1` };
    return { ok: true, value: name };
  }

  getAtt(logicalId: string, attribute: string): RefResult {
    const res = this.ctx.resources[logicalId];
    if (!res) return { ok: false, reason: `${logicalId} is not defined in this template` };
    const name = (): string => this.name(logicalId);
    const kind = FUNCTION_TYPES.has(res.Type) ? 'Function' : res.Type;
    switch (`${kind}.${attribute}`) {
      case 'Function.Arn': return { ok: true, value: this.arn('lambda', `function:${name()}`) };
      case 'AWS::SQS::Queue.Arn': return { ok: true, value: this.arn('sqs', name()) };
      case 'AWS::SQS::Queue.QueueName': return { ok: true, value: name() };
      case 'AWS::SQS::Queue.QueueUrl': return { ok: true, value: this.queueUrl(logicalId) };
      case 'AWS::SNS::Topic.TopicArn': return { ok: true, value: this.arn('sns', name()) };
      case 'AWS::SNS::Topic.TopicName': return { ok: true, value: name() };
      case 'AWS::Kinesis::Stream.Arn': return { ok: true, value: this.arn('kinesis', `stream/${name()}`) };
      case 'AWS::DynamoDB::Table.Arn': return { ok: true, value: this.arn('dynamodb', `table/${name()}`) };
      case 'AWS::DynamoDB::Table.StreamArn':
        return { ok: true, value: this.arn('dynamodb', `table/${name()}/stream/${STREAM_LABEL}`) };
      case 'AWS::Lambda::LayerVersion.LayerVersionArn': return this.ref(logicalId);
      case 'AWS::Events::Rule.Arn': {
        const bus = this.ruleBus(logicalId);
        return { ok: true, value: this.arn('events', `rule/${bus ? `${bus}/` : ''}${name()}`) };
      }
      case 'AWS::Events::EventBus.Arn': return { ok: true, value: this.arn('events', `event-bus/${name()}`) };
      case 'AWS::Events::EventBus.Name': return { ok: true, value: name() };
      case 'AWS::Scheduler::Schedule.Arn':
        return { ok: true, value: this.arn('scheduler', `schedule/${this.ctx.propertyString(logicalId, 'GroupName') ?? 'default'}/${name()}`) };
      case 'AWS::Scheduler::ScheduleGroup.Arn': return { ok: true, value: this.arn('scheduler', `schedule-group/${name()}`) };
      case 'AWS::Lambda::Version.Version': return { ok: true, value: PUBLISHED_VERSION };
      case 'AWS::Lambda::Version.FunctionArn': return { ok: true, value: this.targetArn(logicalId) };
      case 'AWS::Lambda::Alias.AliasArn': return this.ref(logicalId);
      case 'AWS::ApiGateway::RestApi.RootResourceId': return { ok: true, value: rootResourceIdOf(logicalId) };
      case 'AWS::ApiGateway::RestApi.RestApiId':
      case 'AWS::ApiGatewayV2::Api.ApiId': return { ok: true, value: apiIdOf(logicalId) };
      case 'Function.Alias':
      case 'Function.Version': return this.autoPublished(logicalId, attribute) ?? { ok: false, reason: `${logicalId} has no AutoPublishAlias` };
    }
    return { ok: false, reason: `attribute ${attribute} of ${res.Type} is not known locally` };
  }

  /** The physical name ephemera gives a resource: its name property, else its logical id. */
  name(logicalId: string): string {
    const res = this.ctx.resources[logicalId];
    const prop = res ? NAME_PROPERTY[res.Type] : undefined;
    const given = prop ? this.ctx.propertyString(logicalId, prop) : undefined;
    if (given !== undefined) return given;
    if (res?.Type === 'AWS::SQS::Queue' || res?.Type === 'AWS::SNS::Topic') {
      const fifo = this.ctx.propertyString(logicalId, res.Type === 'AWS::SQS::Queue' ? 'FifoQueue' : 'FifoTopic');
      if (fifo === 'true') return `${logicalId}.fifo`;
    }
    return logicalId;
  }

  /** The unqualified ARN of the function a Version/Alias resource names (FunctionName: name or ARN). */
  private targetArn(logicalId: string): string {
    const given = this.ctx.propertyString(logicalId, 'FunctionName') ?? '';
    const name = /(?:^|:function:)([a-zA-Z0-9-_]+)(?::[^:]*)?$/.exec(given)?.[1] ?? given;
    return this.arn('lambda', `function:${name}`);
  }

  /** `Fn.Alias` / `Fn.Version` of an AWS::Serverless::Function with AutoPublishAlias (SAM's generated resources). */
  private autoPublished(logicalId: string, what: string): RefResult | undefined {
    const res = this.ctx.resources[logicalId];
    if (res?.Type !== 'AWS::Serverless::Function' || (what !== 'Alias' && what !== 'Version')) return undefined;
    const alias = this.ctx.propertyString(logicalId, 'AutoPublishAlias');
    if (alias === undefined) return undefined;
    const fn = this.arn('lambda', `function:${this.name(logicalId)}`);
    return { ok: true, value: what === 'Alias' ? `${fn}:${alias}` : `${fn}:${PUBLISHED_VERSION}` };
  }

  /** The custom bus an AWS::Events::Rule is on (a name or an ARN given), undefined for the default bus. */
  private ruleBus(logicalId: string): string | undefined {
    const given = this.ctx.propertyString(logicalId, 'EventBusName');
    const bus = given?.replace(/^arn:aws[\w-]*:events:[^:]*:\d{12}:event-bus\//, '');
    return bus && bus !== 'default' ? bus : undefined;
  }

  queueUrl(logicalId: string): string {
    const base = this.ctx.queueUrlBase ?? `https://sqs.${this.ctx.region}.amazonaws.com`;
    return `${base}/${this.ctx.accountId}/${this.name(logicalId)}`;
  }

  private arn(service: string, resource: string): string {
    return `arn:aws:${service}:${this.ctx.region}:${this.ctx.accountId}:${resource}`;
  }
}

const NAME_PROPERTY: Readonly<Record<string, string>> = {
  'AWS::Serverless::Function': 'FunctionName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::Kinesis::Stream': 'Name',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::Serverless::LayerVersion': 'LayerName',
  'AWS::Lambda::LayerVersion': 'LayerName',
  'AWS::Events::Rule': 'Name',
  'AWS::Events::EventBus': 'Name',
  'AWS::Scheduler::Schedule': 'Name',
  'AWS::Scheduler::ScheduleGroup': 'Name',
};
