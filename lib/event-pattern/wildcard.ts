// The `wildcard` operator: `*` matches any run of characters, `\*` a literal star and `\\` a backslash;
// anything else is literal. Compiled once to an anchored regular expression.
import { reject } from './pattern-error.ts';

/**
 * More wildcards than this in one pattern and EventBridge answers "Rule is too complex". AWS measures
 * the states its matcher could be in at once; counting the stars is the local approximation.
 */
const MAX_WILDCARDS = 5;

/** A wildcard pattern as a test of a string; throws the engine's reason for a malformed one. */
export function compileWildcard(pattern: string): (s: string) => boolean {
  let source = '';
  let stars = 0;
  // Positions in the engine's messages count UTF-8 bytes of the value in its JSON quotes.
  let pos = 1;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') reject(`Consecutive wildcard characters at pos ${pos}`);
      source += '[\\s\\S]*';
      stars++;
    } else if (c === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') reject(`Invalid escape character at pos ${pos}`);
      source += `\\${next}`;
      i++;
      pos++;
    } else {
      source += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
    pos += Buffer.byteLength(c);
  }
  if (stars > MAX_WILDCARDS) {
    reject('Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character');
  }
  const re = new RegExp(`^${source}$`, 'u');
  return (s) => re.test(s);
}
