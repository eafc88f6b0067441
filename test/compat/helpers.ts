// Shared pieces of the real-client compatibility tests: one emulator per file on the compat
// template, and the afterAll check that every worker PID it ever had is gone.
import { expect } from 'vitest';
import { fixture, startEmulator, type TestEmulator } from '../helpers/emulator.ts';

export const ACCOUNT = '000000000000';
export const REGION = 'us-east-1';
export const arn = (name: string): string => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
export const notFound = (name: string, qualifier = '$LATEST'): string => `Function not found: ${arn(name)}:${qualifier}`;

export function startCompatEmulator(): Promise<TestEmulator> {
  return startEmulator(fixture('templates/compat.yaml'));
}

/** Stops the emulator and asserts that no process it started (or their children) survives. */
export async function stopAndCheckOrphans(em: TestEmulator): Promise<void> {
  expect(await em.stopChecked()).toEqual([]);
}

/**
 * The START … END … REPORT shape of a decoded X-Amz-Log-Result for request `rid`. A cold start's Tail
 * holds no INIT phase (INIT_START goes to the function's log only), as AWS records it.
 */
export function expectTailLog(b64: string | undefined, rid: string): void {
  expect(b64).toBeTruthy();
  const lines = Buffer.from(b64!, 'base64').toString('utf8').replace(/\n$/, '').split('\n');
  expect(lines[0]).toBe(`START RequestId: ${rid} Version: $LATEST`);
  expect(lines.at(-2)).toBe(`END RequestId: ${rid}`);
  expect(lines.at(-1)).toMatch(new RegExp(`^REPORT RequestId: ${rid}\\tDuration: \\d+\\.\\d{2} ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB`));
}
