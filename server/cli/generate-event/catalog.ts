// The services and events `ephemera generate-event` knows, under SAM CLI's names (`sam local
// generate-event <service> <event>`), plus `apigateway http-api-authorizer` and `eventbridge`.
import { APIGATEWAY_EVENTS } from './apigateway-events.ts';
import { CLOUDWATCH_EVENTS, EVENTBRIDGE_EVENTS } from './cloudwatch-events.ts';
import { S3_EVENTS, SNS_EVENTS } from './notification-events.ts';
import { DYNAMODB_EVENTS, KINESIS_EVENTS, SQS_EVENTS } from './record-events.ts';
import type { SampleEvent } from './sample-event.ts';

export interface Service {
  help: string;
  events: Readonly<Record<string, SampleEvent>>;
}

export const SERVICES: Readonly<Record<string, Service>> = {
  apigateway: { help: 'Amazon API Gateway: proxy events and Lambda authorizers', events: APIGATEWAY_EVENTS },
  cloudwatch: { help: 'Amazon CloudWatch: scheduled events and Logs subscriptions', events: CLOUDWATCH_EVENTS },
  dynamodb: { help: 'Amazon DynamoDB Streams', events: DYNAMODB_EVENTS },
  eventbridge: { help: 'Amazon EventBridge: scheduled events and events put on a bus', events: EVENTBRIDGE_EVENTS },
  kinesis: { help: 'Amazon Kinesis Data Streams', events: KINESIS_EVENTS },
  s3: { help: 'Amazon S3 event notifications', events: S3_EVENTS },
  sns: { help: 'Amazon SNS', events: SNS_EVENTS },
  sqs: { help: 'Amazon SQS', events: SQS_EVENTS },
};

/** Every `service event` pair, for listings and tests. */
export function allEvents(): Array<{ service: string; event: string; sample: SampleEvent }> {
  return Object.entries(SERVICES).flatMap(([service, s]) => Object.entries(s.events).map(([event, sample]) => ({ service, event, sample })));
}
