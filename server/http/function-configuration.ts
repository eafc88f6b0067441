// A function as the management API describes it (FunctionConfiguration, reference §10): every field
// from the loaded configuration; CodeSize and CodeSha256 from the code folder itself (a fingerprint
// of its files' paths, sizes and modification times, computed once per start-up).
import { createHash, randomUUID } from 'node:crypto';
import { lstatSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { FunctionVersion } from '../model.ts';

interface CodeFacts {
  size: number;
  sha256: string;
}

const codeFacts = new Map<string, CodeFacts>();
const startedAt = new Date();
const revision = randomUUID();

/** `2019-09-24T18:52:11.497+0000`, the management API's LastModified format. */
export function lastModified(d: Date = startedAt): string {
  return d.toISOString().replace('Z', '+0000');
}

function facts(dir: string): CodeFacts {
  let known = codeFacts.get(dir);
  if (!known) {
    const hash = createHash('sha256');
    let size = 0;
    let budget = 20_000;
    const walk = (d: string): void => {
      let names: string[];
      try {
        names = readdirSync(d).sort();
      } catch {
        return;
      }
      for (const name of names) {
        if (--budget < 0) return;
        const path = join(d, name);
        const st = lstatSync(path, { throwIfNoEntry: false });
        if (!st) continue;
        if (st.isDirectory()) walk(path);
        else {
          size += st.size;
          hash.update(`${relative(dir, path)}\0${st.size}\0${st.mtimeMs}\n`);
        }
      }
    };
    walk(dir);
    known = { size, sha256: hash.digest('base64') };
    codeFacts.set(dir, known);
  }
  return known;
}

export function functionConfiguration(fn: FunctionVersion, accountId: string, qualified: boolean): Record<string, unknown> {
  const c = fn.config;
  const code = facts(c.codeDir);
  return {
    FunctionName: c.name,
    FunctionArn: qualified ? `${fn.arn}:${fn.version}` : fn.arn,
    Runtime: c.runtime,
    Role: `arn:aws:iam::${accountId}:role/ephemera-local`,
    Handler: c.handler,
    CodeSize: code.size,
    Description: c.description,
    Timeout: c.timeout,
    MemorySize: c.memorySize,
    LastModified: lastModified(),
    CodeSha256: code.sha256,
    Version: fn.version,
    ...(Object.keys(c.environment).length ? { Environment: { Variables: c.environment } } : {}),
    TracingConfig: { Mode: 'PassThrough' },
    RevisionId: revision,
    ...(c.layers?.length ? { Layers: c.layers.map((dir) => ({ Arn: `local:${dir}`, CodeSize: facts(dir).size })) } : {}),
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    Architectures: [c.architecture],
    EphemeralStorage: { Size: c.ephemeralStorage },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    LoggingConfig: { LogFormat: c.logFormat, LogGroup: `/aws/lambda/${c.name}` },
  };
}
