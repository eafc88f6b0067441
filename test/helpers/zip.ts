// Deployment packages for tests: a zip (fflate) of in-memory files, with Unix modes, as the aws CLI
// and the SDKs upload it in CreateFunction / UpdateFunctionCode.
import { zipSync } from 'fflate';

export interface ZipEntry {
  content: string;
  /** Unix permission bits (default 0o644); 0o755 for an executable `bootstrap`. */
  mode?: number;
}

export function zipOf(files: Record<string, string | ZipEntry>): Buffer {
  const input: Parameters<typeof zipSync>[0] = {};
  for (const [name, f] of Object.entries(files)) {
    const entry = typeof f === 'string' ? { content: f } : f;
    // os 3 = Unix: the mode lives in the high 16 bits of the external attributes (regular file 0o100000).
    input[name] = [new TextEncoder().encode(entry.content), { os: 3, attrs: ((0o100000 | (entry.mode ?? 0o644)) << 16) >>> 0 }];
  }
  return Buffer.from(zipSync(input));
}

/** A Node handler that reports which code ran (`tag`) and the version/ARN the runtime saw. */
export function taggedHandler(tag: string): Buffer {
  return zipOf({
    'index.mjs': `export const handler = async (event, context) => ({
  tag: ${JSON.stringify(tag)},
  envVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
  functionVersion: context.functionVersion,
  invokedFunctionArn: context.invokedFunctionArn,
  initType: process.env.AWS_LAMBDA_INITIALIZATION_TYPE,
  greeting: process.env.GREETING ?? null,
  event,
});
`,
  });
}
