/** Helpers shared by the dialect tests: one emulator per test, closed afterwards, and a fetch wrapper. */
import { afterEach } from 'vitest';

import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/server.js';

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const TOKEN = 'test-token';

const running: RunningEmulator[] = [];

/** Registers the afterEach that closes every emulator a test started. Call once per file. */
export function closeEmulatorsAfterEach(): void {
  afterEach(async () => {
    await Promise.all(running.splice(0).map((e) => e.close()));
  });
}

/** The limiter is off unless the test is about it. */
export async function start(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emulator = await startEmulator({ token: TOKEN, rateLimit: false, ...options });
  running.push(emulator);
  return emulator;
}

export interface Answer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert on arbitrary JSON shapes
  body: any;
}

export async function call(emulator: RunningEmulator, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${TOKEN}`,
      ...(body !== undefined && { 'Content-Type': 'application/scim+json' }),
      ...headers,
    },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
}

export const filterQuery = (filter: string): string => `/Users?filter=${encodeURIComponent(filter)}`;
