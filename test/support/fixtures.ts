import { test as base } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { TEST_TOKEN, Workspace } from './workspace.js';

type EmulatorOptions = NonNullable<Parameters<typeof startEmulator>[0]>;

/** Starts emulators for one test (the test token unless told otherwise); all are closed when the test ends. */
export interface Emulators {
  start(options?: Partial<EmulatorOptions>): Promise<RunningEmulator>;
}

/**
 * The setup most end-to-end tests share, as vitest fixtures: a throwaway workspace (roster,
 * config, reports, state) and emulators, both cleaned up after each test whatever it did.
 * Use `test('…', async ({ ws, emulators }) => …)`.
 */
export const test = base.extend<{ ws: Workspace; emulators: Emulators }>({
  // eslint-disable-next-line no-empty-pattern -- vitest reads the fixtures a fixture needs from this pattern
  ws: async ({}, use) => {
    const ws = new Workspace();
    await use(ws);
    ws.cleanup();
  },
  // eslint-disable-next-line no-empty-pattern -- as above
  emulators: async ({}, use) => {
    const started: RunningEmulator[] = [];
    await use({
      async start(options = {}) {
        const emulator = await startEmulator({ token: TEST_TOKEN, ...options });
        started.push(emulator);
        return emulator;
      },
    });
    await Promise.all(started.map((emulator) => emulator.close()));
  },
});
