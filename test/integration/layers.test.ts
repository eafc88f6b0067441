// Layers with real worker processes, under each isolation level this machine offers: the function
// finds its layers' code the way Lambda code does (NODE_PATH, PATH), the later layer wins, and in
// namespace isolation the layers are merged read-only at /opt; no process is left behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startEmulator, type TestEmulator, isolationLevels } from '../helpers/emulator.ts';

const levels = isolationLevels();

interface Seen {
  greeting: string;
  layerTag: string;
  hello: string;
  optWrite: string;
  optGreeting: boolean;
  execPath: string;
  nodePath: string;
  path: string;
}

describe.each(levels)('layers (%s isolation)', (isolation) => {
  let em: TestEmulator;
  beforeAll(async () => {
    em = await startEmulator(fixture('templates/layers.yaml'), { isolation });
  });
  afterAll(async () => {
    expect(await em.stopChecked()).toEqual([]);
  });

  const call = async (fn: string): Promise<Seen> => {
    const res = await em.invoke(fn);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-function-error')).toBeNull();
    return res.json() as Seen;
  };

  it('loads the template without warnings', () => {
    expect(em.eph.internals.template.warnings).toEqual([]);
  });

  it('finds layer code through NODE_PATH and PATH; the later layer wins', async () => {
    const seen = await call('layer-user');
    expect(seen.greeting).toBe('hello from the shared-lib layer');
    expect(seen.layerTag).toBe('overrides');
    expect(seen.hello).toBe('hello from the overrides layer');
    if (isolation === 'process') {
      expect(seen.nodePath.split(':').slice(0, 4)).toEqual([
        fixture('layers/overrides/nodejs/node24/node_modules'), fixture('layers/overrides/nodejs/node_modules'),
        fixture('layers/shared-lib/nodejs/node24/node_modules'), fixture('layers/shared-lib/nodejs/node_modules'),
      ]);
      expect(seen.path.split(':')).toContain(fixture('layers/overrides/bin'));
      expect(seen.execPath).toBe(process.execPath);
    }
  });

  it('one layer alone: its code, nothing of the other', async () => {
    const seen = await call('layer-user-one');
    expect(seen.greeting).toBe('hello from the shared-lib layer');
    expect(seen.layerTag).toBe('shared-lib');
    expect(seen.hello).toMatch(/^error: ENOENT/);
  });

  it('no layers: no layer code', async () => {
    const seen = await call('layer-user-none');
    expect(seen.greeting).toBe('error: MODULE_NOT_FOUND');
    expect(seen.layerTag).toBe('error: MODULE_NOT_FOUND');
    // Node runs from /var/lang in a namespace sandbox, as on Lambda, layers or not.
    expect(seen.execPath).toBe(isolation === 'namespace' ? '/var/lang/bin/node' : process.execPath);
  });

  it.runIf(isolation === 'namespace')('merges the layers read-only at /opt and runs Node from /var/lang', async () => {
    for (const fn of ['layer-user', 'layer-user-one']) {
      const seen = await call(fn);
      expect(seen.optGreeting).toBe(true);
      expect(seen.optWrite).toBe('error: EROFS');
      expect(seen.execPath).toBe('/var/lang/bin/node');
      expect(seen.path.split(':')[0]).toBe('/var/lang/bin');
      expect(seen.nodePath).toBe('/opt/nodejs/node24/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task');
    }
  });
});
