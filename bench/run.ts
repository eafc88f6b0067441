// `npm run bench`: warm invoke, cold start and memory per idle environment, one after the other,
// each table printed as soon as it is measured. Bounded (about a minute on 2 cores), loopback only.
import { coldStart } from './cold-start.ts';
import { checkNoLeftovers, machine } from './lib.ts';
import { memoryPerEnv } from './memory-per-env.ts';
import { warmInvoke } from './warm-invoke.ts';

const t0 = performance.now();
console.log(`${machine()}\n`);
console.log(`${await warmInvoke()}\n`);
console.log(`${await coldStart()}\n`);
console.log(await memoryPerEnv());
console.log(`\n(whole run ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
checkNoLeftovers('bench');
