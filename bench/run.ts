// `npm run bench`: warm invoke, CPU per invoke (next to the raw floor and serverless-offline), cold start, memory per idle environment, hot reload, SQS end to end, the HTTP front door, response streaming, durable executions, Lambda Managed Instances vs classic environments and SnapStart, one after the other,
// each table printed as soon as it is measured. Bounded (a few minutes on 2 cores), loopback only.
import { coldStart } from './cold-start.ts';
import { cpuPerInvoke } from './cpu-per-invoke.ts';
import { durableBench } from './durable.ts';
import { eventBridgeBench } from './eventbridge.ts';
import { managedInstances } from './managed-instances.ts';
import { frontDoorBench } from './front-door.ts';
import { emulatorCosts } from './emulator-costs.ts';
import { hotReload } from './hot-reload.ts';
import { checkNoLeftovers, machine } from './lib.ts';
import { memoryPerEnv } from './memory-per-env.ts';
import { snapStartBench } from './snapstart.ts';
import { sqsE2e } from './sqs-e2e.ts';
import { streamingBench } from './streaming.ts';
import { warmInvoke } from './warm-invoke.ts';

const t0 = performance.now();
console.log(`${machine()}\n`);
console.log(`${await warmInvoke()}\n`);
console.log(`${await cpuPerInvoke()}\n`);
console.log(`${await emulatorCosts()}\n`);
console.log(`${await coldStart()}\n`);
console.log(await memoryPerEnv());
console.log(`\n${await hotReload()}`);
console.log(`\n${await sqsE2e()}`);
console.log(`\n${await frontDoorBench()}`);
console.log(`\n${await streamingBench()}`);
console.log(`\n${await durableBench()}`);
console.log(`\n${await eventBridgeBench()}`);
console.log(`\n${await managedInstances()}`);
console.log(`\n${await snapStartBench()}`);
console.log(`\n(whole run ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
checkNoLeftovers('bench');
