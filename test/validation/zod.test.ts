import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const REAL_FUNCTION = globalThis.Function;

describe('zod as our schemas use it', () => {
  afterEach(() => {
    globalThis.Function = REAL_FUNCTION;
  });

  it('loading the example config generates no code from strings (zod runs jitless)', async () => {
    // Counts zod's `new Function(…)` / `Function(…)` calls (its JIT compiles each object schema's
    // parser that way on its first parse unless configured jitless); another library's are not
    // this test's business.
    let generated = 0;
    const countIfZod = () => {
      if (/[\\/]zod[\\/]/.test(new Error().stack ?? '')) generated++;
    };
    globalThis.Function = new Proxy(REAL_FUNCTION, {
      construct(target, args: string[]) {
        countIfZod();
        return Reflect.construct(target, args);
      },
      apply(target, self, args: string[]) {
        countIfZod();
        return Reflect.apply(target, self, args) as unknown;
      },
    });
    const { loadConfig } = await import('../../src/config/loadConfig.js');
    const config = loadConfig(join(import.meta.dirname, '../../config/scim-sync.example.yaml'), { SCIM_TOKEN: 'token-for-the-test' });
    expect(config.target.baseUrl).toMatch(/^https:\/\//);
    expect(generated).toBe(0);
  });
});
