// The SQS wire handlers without a server: query parameter flattening, XML escaping and shapes, and
// malformed requests on both protocols answered with AWS-shaped 4xx errors (never a 500 or a crash).
import { describe, expect, it } from 'vitest';
import { EmbeddedQueues } from '../../services/sqs/embedded-queues.ts';
import { sqsJsonHandler } from '../../services/sqs/wire/sqs-json.ts';
import { sqsQueryHandler, toJsonShape, unflatten } from '../../services/sqs/wire/sqs-query.ts';
import { escapeXml, renderResult } from '../../services/sqs/wire/sqs-xml.ts';

const internal: unknown[] = [];
const setup = () => {
  const queues = new EmbeddedQueues({ region: 'us-east-1', accountId: '000000000000' });
  queues.create('w');
  return { queues, json: sqsJsonHandler(queues, (e) => internal.push(e)), query: sqsQueryHandler(queues, (e) => internal.push(e)) };
};
const URL_ = 'http://localhost:3001/000000000000/w';
const jsonReq = (action: string, body: string) => ({
  method: 'POST', url: '/', headers: { host: 'localhost:3001', 'x-amz-target': `AmazonSQS.${action}`, 'content-type': 'application/x-amz-json-1.0' }, body: Buffer.from(body),
});
const queryReq = (body: string, url = '/') => ({
  method: 'POST', url, headers: { host: 'localhost:3001', 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from(body),
});

describe('query protocol parameters', () => {
  it('turns flattened lists and maps into the JSON shapes', () => {
    const params = new URLSearchParams([
      ['QueueUrl', 'u'], ['SendMessageBatchRequestEntry.2.Id', 'b'], ['SendMessageBatchRequestEntry.1.Id', 'a'],
      ['SendMessageBatchRequestEntry.1.MessageAttribute.1.Name', 'k'], ['SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType', 'String'],
      ['SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue', 'v'], ['Attribute.1.Name', 'VisibilityTimeout'],
      ['Attribute.1.Value', '5'], ['AttributeName.1', 'All'], ['Tag.1.Key', 't'], ['Tag.1.Value', 'x'], ['TagKey.1', 'old'],
    ]);
    expect(toJsonShape(unflatten(params))).toEqual({
      QueueUrl: 'u',
      Entries: [{ Id: 'a', MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } }, { Id: 'b' }],
      Attributes: { VisibilityTimeout: '5' }, AttributeNames: ['All'], tags: { t: 'x' }, Tags: { t: 'x' }, TagKeys: ['old'],
    });
  });

  it('cannot reach Object.prototype, and a huge list index costs nothing', () => {
    const shaped = toJsonShape(unflatten(new URLSearchParams('__proto__.polluted=yes&a.__proto__.b=1&QueueName=x')));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(shaped).toEqual({ QueueName: 'x' });
    const huge = toJsonShape(unflatten(new URLSearchParams('Attribute.4294967295.Name=a&Attribute.4294967295.Value=b&AttributeNames.4294967290=All')));
    expect(huge).toEqual({ Attributes: { a: 'b' }, AttributeNames: ['All'] });
  });

  it('answers on a queue URL path without QueueUrl, in XML with escaped text', async () => {
    const { query } = setup();
    const sent = await query(queryReq('Action=SendMessage&MessageBody=%22a%22%20%26%20%3Cb%3E%0D', '/000000000000/w'));
    expect(sent.status).toBe(200);
    expect(sent.body).toMatch(/^<\?xml version="1.0"\?><SendMessageResponse xmlns="http:\/\/queue.amazonaws.com\/doc\/2012-11-05\/"><SendMessageResult><MD5OfMessageBody>[0-9a-f]{32}<\/MD5OfMessageBody><MessageId>/);
    const got = await query(queryReq(`Action=ReceiveMessage&QueueUrl=${encodeURIComponent(URL_)}`));
    expect(got.body).toContain('<Body>&quot;a&quot; &amp; &lt;b&gt;&#xD;</Body>');
    const deleted = await query(queryReq(`Action=DeleteQueue&QueueUrl=${encodeURIComponent(URL_)}`));
    expect(deleted.body).toMatch(/^<\?xml version="1.0"\?><DeleteQueueResponse xmlns="[^"]+"><ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata><\/DeleteQueueResponse>$/);
  });

  it('writes maps and lists as AWS does', () => {
    expect(escapeXml('"\'&')).toBe('&quot;\'&amp;');
    const xml = renderResult('GetQueueAttributes', { Attributes: { A: '1' } }, 'r');
    expect(xml).toContain('<GetQueueAttributesResult><Attribute><Name>A</Name><Value>1</Value></Attribute></GetQueueAttributesResult>');
    const batch = renderResult('DeleteMessageBatch', { Successful: [{ Id: 'a' }], Failed: [{ Id: 'b', SenderFault: true, Code: 'C', Message: 'm' }] }, 'r');
    expect(batch).toContain('<DeleteMessageBatchResultEntry><Id>a</Id></DeleteMessageBatchResultEntry><BatchResultErrorEntry><Id>b</Id><SenderFault>true</SenderFault><Code>C</Code><Message>m</Message></BatchResultErrorEntry>');
  });
});

describe('ListQueues pages', () => {
  it('visit every queue exactly once, whatever the case and punctuation of the names', async () => {
    const { queues, json } = setup();
    const names = ['b', 'B', 'a_b', 'a-b', 'aB', 'ab', 'Ab', 'Z', 'z1'];
    for (const n of names) queues.create(n);
    const seen: string[] = [];
    let token: string | undefined;
    for (let i = 0; i < 20; i++) {
      const page = JSON.parse((await json(jsonReq('ListQueues', JSON.stringify({ MaxResults: 2, NextToken: token })))).body);
      seen.push(...(page.QueueUrls ?? []).map((u: string) => u.split('/').pop()));
      token = page.NextToken;
      if (!token) break;
    }
    expect([...seen].sort()).toEqual([...names, 'w'].sort());
  });
});

describe('malformed requests', () => {
  it('get 4xx AWS errors on the JSON protocol', async () => {
    const { json } = setup();
    const cases: [string, string, string][] = [
      ['SendMessage', '{', 'InvalidParameterValueException'],
      ['SendMessage', '[]', 'InvalidParameterValueException'],
      ['SendMessage', '{"QueueUrl":5,"MessageBody":"x"}', 'InvalidParameterValueException'],
      ['SendMessage', '{"MessageBody":"x"}', 'MissingRequiredParameterException'],
      ['SendMessage', `{"QueueUrl":"${URL_}"}`, 'MissingRequiredParameterException'],
      ['SendMessage', '{"QueueUrl":"http://h/1/x","MessageBody":"x"}', 'QueueDoesNotExist'],
      ['SendMessage', '{"QueueUrl":"http://h/000000000000/%E0%A4%A","MessageBody":"x"}', 'QueueDoesNotExist'],
      ['SendMessage', `{"QueueUrl":"${URL_}","MessageBody":"x","MessageAttributes":[1]}`, 'InvalidParameterValueException'],
      ['SendMessage', `{"QueueUrl":"${URL_}","MessageBody":"x","MessageAttributes":{"a":null}}`, 'InvalidParameterValueException'],
      ['SendMessage', `{"QueueUrl":"${URL_}","MessageBody":"x","DelaySeconds":"soon"}`, 'InvalidParameterValueException'],
      ['SendMessage', `{"QueueUrl":"${URL_}","MessageBody":"x","MessageSystemAttributes":{"Other":{"DataType":"String","StringValue":"v"}}}`, 'InvalidParameterValueException'],
      ['SendMessageBatch', `{"QueueUrl":"${URL_}","Entries":"x"}`, 'InvalidParameterValueException'],
      ['SendMessageBatch', `{"QueueUrl":"${URL_}","Entries":[null]}`, 'InvalidBatchEntryId'],
      ['ReceiveMessage', `{"QueueUrl":"${URL_}","MaxNumberOfMessages":0}`, 'InvalidParameterValueException'],
      ['ReceiveMessage', `{"QueueUrl":"${URL_}","VisibilityTimeout":-1}`, 'InvalidParameterValueException'],
      ['ChangeMessageVisibility', `{"QueueUrl":"${URL_}","ReceiptHandle":"bm9uc2Vuc2Ugbm9uc2Vuc2U="}`, 'ReceiptHandleIsInvalid'],
      ['CreateQueue', '{"QueueName":"q","Attributes":{"VisibilityTimeout":5}}', 'InvalidAttributeValue'],
      ['CreateQueue', '{"QueueName":"q","Attributes":{"RedrivePolicy":"{"}}', 'InvalidParameterValueException'],
      ['CreateQueue', '{"QueueName":"q","Attributes":"x"}', 'InvalidParameterValueException'],
      ['ListQueues', '{"MaxResults":0}', 'InvalidParameterValueException'],
      ['ListQueues', '{"MaxResults":5,"NextToken":"%%%"}', 'InvalidParameterValueException'],
      ['GetQueueAttributes', `{"QueueUrl":"${URL_}","AttributeNames":["Bogus"]}`, 'InvalidAttributeName'],
      ['TagQueue', `{"QueueUrl":"${URL_}","Tags":{"k":5}}`, 'InvalidParameterValueException'],
    ];
    for (const [action, body, type] of cases) {
      const a = await json(jsonReq(action, body));
      expect([action, body, a.status, JSON.parse(a.body).__type]).toEqual([action, body, 400, `com.amazonaws.sqs#${type}`]);
      expect(a.headers['x-amzn-query-error']).toMatch(/;Sender$/);
    }
    expect(internal).toEqual([]);
  });

  it('an empty MessageSystemAttributes map is no system attribute (not an internal error)', async () => {
    const { json } = setup();
    const a = await json(jsonReq('SendMessage', `{"QueueUrl":"${URL_}","MessageBody":"x","MessageSystemAttributes":{}}`));
    expect([a.status, internal]).toEqual([200, []]);
    expect(JSON.parse(a.body)).not.toHaveProperty('MD5OfMessageSystemAttributes');
  });

  it('get <ErrorResponse> documents on the query protocol', async () => {
    const { query } = setup();
    for (const body of ['', 'Action=', 'Action=SendMessage', 'Action=SendMessageBatch&QueueUrl=' + encodeURIComponent(URL_), 'Action=ReceiveMessage&QueueUrl=' + encodeURIComponent(URL_) + '&WaitTimeSeconds=x']) {
      const a = await query(queryReq(body));
      expect(a.status).toBe(400);
      expect((await query(queryReq('Action=SendMessage&MessageBody=x', '/000000000000/%ZZ'))).body).toContain('<Code>AWS.SimpleQueueService.NonExistentQueue</Code>');
      expect(a.body).toMatch(/^<\?xml version="1.0"\?><ErrorResponse xmlns="http:\/\/queue.amazonaws.com\/doc\/2012-11-05\/"><Error><Type>Sender<\/Type><Code>[\w.]+<\/Code><Message>[^<]+<\/Message><Detail\/><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/);
    }
    expect(internal).toEqual([]);
  });
});

describe('bytes that are not UTF-8', () => {
  // AWS's wording (e.g. aws/aws-sdk-go#339-era reports, NServiceBus.AmazonSQS#2630, 2024).
  const ALLOWED = 'the set of allowed characters is #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].';
  const bytes = (...parts: Array<string | number[]>): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
  const form = (body: Buffer, url = '/000000000000/w') => ({
    method: 'POST', url, headers: { host: 'localhost:3001', 'content-type': 'application/x-www-form-urlencoded' }, body,
  });

  it('in a query-protocol message body are refused with InvalidMessageContents, never stored as U+FFFD', async () => {
    const { queues, query } = setup();
    const cases: [Buffer, string][] = [
      [bytes('Action=SendMessage&MessageBody=a%FFb'), '#xDCFF'], // percent-encoded lone byte
      [bytes('Action=SendMessage&MessageBody=a', [0xff], 'b'), '#xDCFF'], // the raw byte in the form body
      [bytes('Action=SendMessage&MessageBody=%C3%28'), '#xDCC3'], // a lead byte without its continuation
      [bytes('Action=SendMessage&MessageBody=%ED%A0%80'), '#xDCED'], // an encoded surrogate (CESU-8)
      [bytes('Action=SendMessage&MessageBody=%C0%AF'), '#xDCC0'], // an overlong encoding
    ];
    for (const [body, hex] of cases) {
      const a = await query(form(body));
      expect([a.status, a.body]).toEqual([400, expect.stringContaining(
        `<Error><Type>Sender</Type><Code>InvalidMessageContents</Code><Message>Invalid binary character '${hex}' was found in the message body, ${ALLOWED}</Message>`)]);
    }
    const attr = await query(form(bytes('Action=SendMessage&MessageBody=ok&MessageAttribute.1.Name=a&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=%FE')));
    expect(attr.body).toContain('<Code>InvalidMessageContents</Code>');
    const batch = await query(form(bytes('Action=SendMessageBatch&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=%FF&SendMessageBatchRequestEntry.2.Id=b&SendMessageBatchRequestEntry.2.MessageBody=fine')));
    expect(batch.body).toContain('<BatchResultErrorEntry><Id>a</Id><SenderFault>true</SenderFault><Code>InvalidMessageContents</Code>');
    const got = await query(form(bytes('Action=ReceiveMessage&MaxNumberOfMessages=10')));
    expect(got.body.match(/<Body>[^<]*<\/Body>/g)).toEqual(['<Body>fine</Body>']);
    expect(internal).toEqual([]);
  });

  it('valid UTF-8, percent-encoded or raw, and `+` for a space still arrive exactly', async () => {
    const { query } = setup();
    const sent = await query(form(bytes('Action=SendMessage&MessageBody=h%C3%A9llo+', Buffer.from('wörld ✓ 𝄞').toJSON().data, '%2B')));
    expect(sent.status).toBe(200);
    const got = await query(form(bytes('Action=ReceiveMessage')));
    expect(got.body).toContain('<Body>héllo wörld ✓ 𝄞+</Body>');
  });

  it('in a JSON-protocol body are refused the same way', async () => {
    const { json } = setup();
    for (const body of [bytes(`{"QueueUrl":"${URL_}","MessageBody":"a`, [0xff], '"}'), bytes(`{"QueueUrl":"${URL_}","MessageBody":"a\\udcff"}`)]) {
      const a = await json({ ...jsonReq('SendMessage', ''), body });
      expect([a.status, JSON.parse(a.body)]).toEqual([400, {
        __type: 'com.amazonaws.sqs#InvalidMessageContents', message: `Invalid binary character '#xDCFF' was found in the message body, ${ALLOWED}`,
      }]);
      expect(a.headers['x-amzn-query-error']).toBe('InvalidMessageContents;Sender');
    }
  });
});
