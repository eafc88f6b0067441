// The start-up warning for a python3.x function whose runtime names another minor version than the
// interpreter ephemera found (the container image ships Debian's Python 3.11).
import { describe, expect, it } from 'vitest';
import { pythonVersionMismatch } from '../../server/environment/runtimes.ts';

const DEBIAN = { path: '/usr/bin/python3', version: '3.11.2' };

describe('pythonVersionMismatch', () => {
  it.each([
    ['python3.11', DEBIAN, undefined],
    ['python3.12', DEBIAN, 'python3.12 runs on Python 3.11.2 (/usr/bin/python3), not Python 3.12'],
    ['python3.9', DEBIAN, 'python3.9 runs on Python 3.11.2 (/usr/bin/python3), not Python 3.9'],
    ['python3.13', { path: '/opt/py/bin/python3', version: '3.13.1' }, undefined],
    ['python3.1', { path: '/p', version: '3.13.1' }, 'python3.1 runs on Python 3.13.1 (/p), not Python 3.1'],
    ['nodejs24.x', DEBIAN, undefined],
  ])('%s on %o', (runtime, python, start) => {
    const warning = pythonVersionMismatch(runtime, python);
    if (start === undefined) expect(warning).toBeUndefined();
    else {
      expect(warning?.startsWith(`${start}:`)).toBe(true);
      expect(warning).toMatch(/set EPHEMERA_PYTHON to a Python 3\.\d+ interpreter$/);
    }
  });
});
