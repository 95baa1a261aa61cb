import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { API_METHODS, APP_EVENTS, CONTRACT_DOMAINS } from '../../src/shared/contract';

const domains = Object.entries(CONTRACT_DOMAINS);

describe('contract domains', () => {
  it('each method and each event belongs to exactly one domain (a repeated name would silently replace another)', () => {
    const methods = domains.flatMap(([, d]) => Object.keys(d.methods));
    const events = domains.flatMap(([, d]) => Object.keys(d.events));
    expect(methods.length).toBe(API_METHODS.length);
    expect(new Set(methods)).toEqual(new Set(API_METHODS));
    expect(events.length).toBe(APP_EVENTS.length);
    expect(new Set(events)).toEqual(new Set(APP_EVENTS));
  });

  it('the preload bundles the method names without zod (schemas are built in the main process only)', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('../../src/preload/index.ts', import.meta.url))],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'cjs',
      external: ['electron'],
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((p) => p.includes('src/shared/contract/'))).toBe(true);
    expect(inputs.filter((p) => p.includes('node_modules/zod') || p.endsWith('contract/kit.ts'))).toEqual([]);
  });
});
