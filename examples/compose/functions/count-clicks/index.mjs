// Consumes the `clicks` stream. A record that is not JSON fails its batch; with bisecting and no
// retries it ends up, alone, in the OnFailure queue `click-failures`.
export const handler = async (event) => {
  for (const record of event.Records) {
    const click = JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8'));
    console.log(`click on ${click.page}`);
  }
  return {};
};
