// The example app: a tiny shop that prices orders with a Lambda function, queues them on SQS, sends
// notifications through an asynchronous Lambda, and tracks clicks on a Kinesis stream. It only knows
// AWS endpoints: in docker compose they all point at ephemera (http://ephemera:3001).
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';

export function awsClients(endpoint = process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:3001') {
  const config = {
    endpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'local', secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'local' },
  };
  return { lambda: new LambdaClient(config), sqs: new SQSClient(config), kinesis: new KinesisClient(config) };
}

export function destroyClients(clients) {
  for (const c of Object.values(clients)) c.destroy();
}

const json = (bytes) => JSON.parse(Buffer.from(bytes).toString('utf8'));

/** Price an order (a synchronous invoke of `quote`). */
export async function quote({ lambda }, order) {
  const out = await lambda.send(new InvokeCommand({ FunctionName: 'quote', Payload: JSON.stringify(order) }));
  if (out.FunctionError) throw new Error(`quote failed: ${json(out.Payload).errorMessage}`);
  return json(out.Payload);
}

/** Queue an order for fulfilment (the `orders` queue; `fulfil-order` consumes it). */
export async function placeOrder({ sqs }, order) {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'orders' }));
  const { MessageId } = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(order) }));
  return MessageId;
}

/** Fire-and-forget notification (an asynchronous invoke of `notify`). */
export async function notify({ lambda }, customer, text) {
  const out = await lambda.send(new InvokeCommand({ FunctionName: 'notify', InvocationType: 'Event', Payload: JSON.stringify({ customer, text }) }));
  return out.StatusCode;
}

/** Record a click on the `clicks` stream (`count-clicks` consumes it). */
export async function trackClick({ kinesis }, click) {
  const data = typeof click === 'string' ? click : JSON.stringify(click);
  const out = await kinesis.send(new PutRecordCommand({ StreamName: 'clicks', PartitionKey: String(click.user ?? 'anonymous'), Data: Buffer.from(data) }));
  return out.SequenceNumber;
}
