// The start-up warning when namespace/cgroup isolation's private /tmp hides a folder that Node.js
// functions fall back to for @aws-sdk/* (ephemera or the project cloned under /tmp).
import { describe, expect, it } from 'vitest';
import { hiddenSdkDirsWarning, sdkDirsFor } from '../../server/dev/runtime-setup.ts';

describe('hiddenSdkDirsWarning', () => {
  it('names the hidden folders under namespace and cgroup isolation', () => {
    for (const level of ['namespace', 'cgroup']) {
      const text = hiddenSdkDirsWarning(level, ['/tmp/app', '/tmp/c/ephemera']);
      expect(text).toMatch(new RegExp(`^${level} isolation gives every environment its own /tmp, which hides /tmp/app and /tmp/c/ephemera from the functions`));
      expect(text).toContain('--isolation process');
    }
  });

  it('says nothing under process isolation, or when nothing is under /tmp', () => {
    expect(hiddenSdkDirsWarning('process', ['/tmp/app'])).toBeUndefined();
    expect(hiddenSdkDirsWarning('namespace', ['/home/me/app', '/opt/ephemera', '/tmpfoo', '/var/tmp/x'])).toBeUndefined();
  });

  it('checks the project folder and ephemera\'s own', () => {
    const dirs = sdkDirsFor('/tmp/app/template.yaml');
    expect(dirs[0]).toBe('/tmp/app');
    expect(dirs).toHaveLength(2);
  });
});
