// The emulator's own logs through pino: JSON lines, or short readable lines on a TTY.
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const SKIP = new Set(['level', 'time', 'pid', 'hostname', 'msg']);

/** Renders pino's JSON lines as `HH:MM:SS LEVEL msg key=value`. */
function prettyStream(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        try {
          const o = JSON.parse(line) as Record<string, unknown>;
          const time = new Date(o.time as number).toISOString().slice(11, 19);
          const extra = Object.entries(o).filter(([k]) => !SKIP.has(k)).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
          out.write(`${time} ${LEVELS[o.level as number] ?? o.level} ${o.msg ?? ''}${extra.length ? ` ${extra.join(' ')}` : ''}\n`);
        } catch {
          out.write(`${line}\n`);
        }
      }
      done();
    },
  });
}

export function createLogger(level: string, out: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout): Logger {
  return pino({ level, base: { name: 'ephemera' } }, out.isTTY ? prettyStream(out) : out);
}
