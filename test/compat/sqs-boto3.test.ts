// boto3 (Debian's, run by /usr/bin/python3; botocore 1.29 speaks SQS's query protocol) against the
// embedded queues of a real emulator: one Python scenario covering queues, messages (with binary
// attributes and XML-escaped bodies), batches, FIFO, redrive and modelled error codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startEmulator, type TestEmulator } from '../helpers/emulator.ts';
import { boto3Missing, runBoto3Scenario } from './helpers.ts';

const skip = boto3Missing('boto3 SQS tests');

// Runs the scenario and prints one JSON object of observations.
const SCRIPT = `
import json, sys
import boto3, botocore.config, botocore.exceptions
url = sys.argv[1]
sqs = boto3.client('sqs', endpoint_url=url, region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='y',
                   config=botocore.config.Config(retries={'max_attempts': 0}))
out = {}
def err(fn):
    try:
        fn()
        return None
    except botocore.exceptions.ClientError as e:
        return [e.response['Error']['Code'], e.response['Error'].get('Message'), e.response['ResponseMetadata']['HTTPStatusCode']]
q = sqs.create_queue(QueueName='py-1', Attributes={'VisibilityTimeout': '9'})['QueueUrl']
out['url'] = q
body = 'xml <b>&"quotes"</b>\\r\\nline'
sent = sqs.send_message(QueueUrl=q, MessageBody=body, MessageAttributes={
    'bin': {'DataType': 'Binary', 'BinaryValue': b'\\x00\\x01\\xff'}, 'n': {'DataType': 'Number', 'StringValue': '42'}})
out['sentMd5'] = sent['MD5OfMessageBody']
out['sentAttrMd5'] = sent['MD5OfMessageAttributes']
batch = sqs.send_message_batch(QueueUrl=q, Entries=[{'Id': 'a', 'MessageBody': 'one'}, {'Id': 'b', 'MessageBody': ''}])
out['batchOk'] = [s['Id'] for s in batch.get('Successful', [])]
out['batchFailed'] = [[f['Id'], f['Code']] for f in batch.get('Failed', [])]
msgs = sqs.receive_message(QueueUrl=q, MaxNumberOfMessages=10, AttributeNames=['All'], MessageAttributeNames=['All'])['Messages']
out['bodies'] = [m['Body'] for m in msgs]
out['md5OfBody'] = msgs[0]['MD5OfBody']
out['attrMd5'] = msgs[0]['MD5OfMessageAttributes']
out['bin'] = list(msgs[0]['MessageAttributes']['bin']['BinaryValue'])
out['count'] = msgs[0]['Attributes']['ApproximateReceiveCount']
d = sqs.delete_message_batch(QueueUrl=q, Entries=[{'Id': str(i), 'ReceiptHandle': m['ReceiptHandle']} for i, m in enumerate(msgs)])
out['deleted'] = len(d.get('Successful', []))
out['left'] = sqs.get_queue_attributes(QueueUrl=q, AttributeNames=['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'])['Attributes']
f = sqs.get_queue_url(QueueName='Ordered.fifo')['QueueUrl']
for b in ['p1', 'p2', 'p1']:
    sqs.send_message(QueueUrl=f, MessageBody=b, MessageGroupId='py')
fm = sqs.receive_message(QueueUrl=f, MaxNumberOfMessages=10, AttributeNames=['All'])['Messages']
out['fifo'] = [[m['Body'], m['Attributes']['MessageGroupId']] for m in fm]
w = sqs.get_queue_url(QueueName='tpl-work')['QueueUrl']
sqs.send_message(QueueUrl=w, MessageBody='py-poison')
for _ in range(2):
    sqs.receive_message(QueueUrl=w, VisibilityTimeout=0)
out['afterRedrive'] = len(sqs.receive_message(QueueUrl=w).get('Messages', []))
dead = sqs.receive_message(QueueUrl=sqs.get_queue_url(QueueName='tpl-dlq')['QueueUrl'], AttributeNames=['All'])['Messages']
out['dead'] = [dead[0]['Body'], dead[0]['Attributes'].get('DeadLetterQueueSourceArn')]
try:
    sqs.get_queue_url(QueueName='missing')
except sqs.exceptions.QueueDoesNotExist as e:
    out['modelled'] = e.response['Error']['Code']
out['errors'] = {
    'maxMessages': err(lambda: sqs.receive_message(QueueUrl=q, MaxNumberOfMessages=11)),
    'fifoNoGroup': err(lambda: sqs.send_message(QueueUrl=f, MessageBody='x')),
    'badHandle': err(lambda: sqs.delete_message(QueueUrl=q, ReceiptHandle='nope')),
    'unknownAttr': err(lambda: sqs.get_queue_attributes(QueueUrl=q, AttributeNames=['Bogus'])),
    'exists': err(lambda: sqs.create_queue(QueueName='py-1', Attributes={'VisibilityTimeout': '10'})),
}
sqs.delete_queue(QueueUrl=q)
out['afterDelete'] = err(lambda: sqs.get_queue_attributes(QueueUrl=q))
print(json.dumps(out))
`;

describe.skipIf(skip !== '')('boto3 sqs (query protocol)', () => {
  let em: TestEmulator;
  beforeAll(async () => {
    em = await startEmulator(fixture('templates/sqs-queues.yaml'));
  });
  afterAll(async () => {
    if (em) await em.stop(); // no functions in this template: no worker processes
  });

  it('runs a whole queue scenario with AWS behaviour and error codes', async () => {
    const out = await runBoto3Scenario(SCRIPT, em.url);
    expect(out.url).toBe(`${em.url}/000000000000/py-1`);
    expect(out.bodies).toEqual(['xml <b>&"quotes"</b>\r\nline', 'one']);
    expect(out.md5OfBody).toBe(out.sentMd5);
    expect(out.attrMd5).toBe(out.sentAttrMd5);
    expect(out.bin).toEqual([0, 1, 255]);
    expect(out.count).toBe('1');
    expect(out.batchOk).toEqual(['a']);
    expect(out.batchFailed).toEqual([['b', 'MissingParameter']]);
    expect(out.deleted).toBe(2);
    expect(out.left).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
    expect(out.fifo).toEqual([['p1', 'py'], ['p2', 'py']]);
    expect(out.afterRedrive).toBe(0);
    expect(out.dead).toEqual(['py-poison', 'arn:aws:sqs:us-east-1:000000000000:tpl-work']);
    expect(out.modelled).toBe('AWS.SimpleQueueService.NonExistentQueue');
    expect(out.errors).toEqual({
      maxMessages: ['InvalidParameterValue', 'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.', 400],
      fifoNoGroup: ['MissingParameter', 'The request must contain the parameter MessageGroupId.', 400],
      badHandle: ['ReceiptHandleIsInvalid', 'The input receipt handle "nope" is not a valid receipt handle.', 400],
      unknownAttr: ['InvalidAttributeName', 'Unknown Attribute Bogus.', 400],
      exists: ['QueueAlreadyExists', 'A queue already exists with the same name and a different value for attribute VisibilityTimeout', 400],
    });
    expect(out.afterDelete).toEqual(['AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist for this wsdl version.', 400]);
  });
});
