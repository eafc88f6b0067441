// --data-dir on a named volume: a queue and its message outlive the container that made them; the
// next container on the same volume (the image's node user owns the mount point) serves them.
import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, ListQueuesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { LABEL } from '../../scripts/image/podman.ts';
import { notPrepared, podman, removeStarted, sqs, startContainer } from './harness.ts';

describe.skipIf(notPrepared)('--data-dir on a volume', () => {
  const volume = `ephemera-image-test-${randomUUID().slice(0, 8)}`;
  const flags = ['-v', `${volume}:/var/lib/ephemera`, '-e', 'EPHEMERA_DATA_DIR=/var/lib/ephemera'];
  afterAll(async () => {
    await removeStarted();
    await podman().run(['volume', 'rm', '-f', volume]);
  });

  it('keeps a queue and its message across a container restart', async () => {
    await podman().must(['volume', 'create', '--label', LABEL, volume]);
    const first = await startContainer({ flags });
    const { QueueUrl } = await sqs(first).send(new CreateQueueCommand({ QueueName: 'kept' }));
    await sqs(first).send(new SendMessageCommand({ QueueUrl, MessageBody: 'still here' }));
    await podman().must(['stop', '-t', '20', first.id], { timeoutMs: 30_000 });
    expect(await podman().must(['inspect', '--format', '{{.State.ExitCode}}', first.id])).toBe('0');

    const second = await startContainer({ flags });
    const { QueueUrls = [] } = await sqs(second).send(new ListQueuesCommand({}));
    expect(QueueUrls.map((u) => u.split('/').pop()).sort()).toEqual(['jobs', 'kept']);
    const url = QueueUrls.find((u) => u.endsWith('/kept'))!;
    const { Messages = [] } = await sqs(second).send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 5 }));
    expect(Messages.map((m) => m.Body)).toEqual(['still here']);
  });
});
