// The emulator's own (non-AWS) error classes carry a stable `code`, like undici's UND_ERR_*: callers
// and logs match on it, not on the class or the message. AWS API errors keep their wire names instead.
import { describe, expect, it } from 'vitest';
import { InvokeFailure } from '../../pollers/invoker.ts';
import { PatternError } from '../../lib/event-pattern/event-pattern.ts';
import { ParameterOverridesError } from '../../server/dev/parameter-overrides.ts';
import { IsolationUnavailableError } from '../../server/environment/isolation.ts';
import { InvalidTransitionError } from '../../server/environment/state.ts';
import { LeaseUsedError } from '../../server/pool/lease.ts';
import { OptionsError, parseOptions } from '../../server/options.ts';
import { BadZipError } from '../../server/registry/unzip.ts';
import { TemplateError } from '../../server/template/template-error.ts';

describe('internal error codes', () => {
  it.each([
    [new OptionsError('x'), 'EPH_ERR_OPTIONS'],
    [new TemplateError('t.yaml', 'x'), 'EPH_ERR_TEMPLATE'],
    [new IsolationUnavailableError('x'), 'EPH_ERR_ISOLATION_UNAVAILABLE'],
    [new InvalidTransitionError('Idle', 'Created', 'x'), 'EPH_ERR_INVALID_TRANSITION'],
    [new LeaseUsedError('x'), 'EPH_ERR_LEASE_USED'],
    [new ParameterOverridesError('x'), 'EPH_ERR_PARAMETER_OVERRIDES'],
    [new BadZipError('x'), 'EPH_ERR_BAD_ZIP'],
    [new InvokeFailure('throttled', 'x'), 'EPH_ERR_INVOKE_FAILURE'],
    [new PatternError('x'), 'EPH_ERR_FILTER_PATTERN'],
  ])('%s has code %s', (err, code) => {
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe(code);
  });

  it('is what a thrown error carries (a bad flag)', () => {
    let thrown: unknown;
    try {
      parseOptions(['--port', 'many'], {});
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ code: 'EPH_ERR_OPTIONS' });
  });
});
