// The small file-system pieces both cgroup files use: units, sleeps, tolerant reads/writes/removal of
// cgroup files, killing a task, and the CPU quota Lambda gives a memory size.
import { readFileSync, rmdirSync, writeFileSync } from 'node:fs';

export const MB = 1024 * 1024;
export const CPU_PERIOD_US = 100_000;
/** Lambda gives a function one full vCPU at 1,769 MB. */
const MB_PER_VCPU = 1769;
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
export const sleepSync = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** CPU quota per 100 ms period for a memory size: proportional, at least 1 ms. */
export function cpuQuotaUs(memoryMB: number): number {
  return Math.max(1000, Math.round((CPU_PERIOD_US * memoryMB) / MB_PER_VCPU));
}

export function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
}

export function readPids(path: string): number[] {
  return (readText(path) ?? '').split('\n').filter(Boolean).map(Number);
}

export function killPid(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export function tryWrite(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch {
    // not this hierarchy, or gone
  }
}

/** rmdir that treats "already gone" as done. */
export function tryRmdir(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
}
