// The Node runtime client's invoke loop in one process (bench/runtime-loop-cpu.ts starts it, with the
// runtime settings on fd 6): a fake Runtime API client that answers from setImmediate, a no-op async
// handler. Prints {"cpu": µs per invoke} on stderr after `invokes` measured ones.
//   node bench/runtime-loop-child.mjs <runtime client dir> <invokes>
const [dir, count] = process.argv.slice(2);
const INVOKES = Number(count);
const WARMUP = 20_000;
const { runLoop } = await import(`${dir}/runtime.mjs`);
const headers = { 'lambda-runtime-deadline-ms': String(Date.now() + 3_600_000), 'lambda-runtime-invoked-function-arn': 'arn:aws:lambda:us-east-1:000000000000:function:bench' };
let n = 0;
let cpu0;
const client = {
  hostPort: '127.0.0.1:9',
  next(_extra, done) {
    if (++n === WARMUP) cpu0 = process.cpuUsage();
    if (n === WARMUP + INVOKES) {
      const c = process.cpuUsage(cpu0);
      process.stderr.write(`${JSON.stringify({ cpu: (c.user + c.system) / INVOKES })}\n`, () => process.exit(0));
      return;
    }
    setImmediate(() => done(undefined, { headers: { ...headers, 'lambda-runtime-aws-request-id': `r${n}` }, body: '{}' }));
  },
  postResponse: (_id, _json, done) => setImmediate(() => done(undefined, 202)),
  postError: (_id, _payload, done) => setImmediate(() => done(undefined, 202)),
  postLeaks: (_id, _json, done) => setImmediate(() => done(undefined, 202)),
};
runLoop(client, async () => ({}), true);
