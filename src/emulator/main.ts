#!/usr/bin/env node
/**
 * CLI entry: run the SCIM emulator (Postman-like by default) as a standalone process. Options: USAGE below.
 *
 * Prints only the base URL on stdout, so scripts can capture it (`URL=$(… | head -1)`);
 * everything else goes to stderr.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

import { DIALECTS, isDialect } from './dialect.js';
import { startEmulator, type Dialect, type EmulatorOptions, type RateLimitOptions, type SeedGroup, type SeedUser } from './server.js';

const USAGE = `Usage: node dist/emulator/main.js [options]

A SCIM 2.0 server that behaves like Postman's SCIM API (or Nintex's, or a generic RFC 7644 one),
for trying scim-sync without an account. Prints its base URL on stdout; Ctrl-C stops it.

Options:
  --port <n>                 port to listen on (default 8080; 0 picks a free one)
  --host <address>           address to bind (default 127.0.0.1)
  --token <token>            require this bearer token (default: no auth)
  --token-file <file>        read the token from a file (e.g. a compose secret)
  --seed <users.json>        start with these users: a JSON array, or { "users": [...] }
                             (see "Seed file" below)
  --base-path <path>         path of the SCIM API (default /scim/v2)
  --max-page-size <n>        cap on ?count= per page of GET /Users (default 100)
  --latency-ms <n>           delay before every response (default 0)
  --rate-limit <max/ms|off>  requests allowed per rolling window (default 180/60000, as Postman)
  --retry-after <mode>       how a 429 gives the delay: seconds (default) | postman | none
  --dialect <name>           postman | nintex | generic (default postman)
  --no-patch                 generic only: answer PATCH with 501 (a PUT-only service)
  --bulk <n>                 generic only: offer POST /Bulk with at most n operations per request (1 MiB payload)
  -h, --help                 show this help

Seed file: a JSON array of users (or { "users": [...], "groups": [...] }), each user an object with
  userName      required; an email for the postman dialect, e.g. "ada@example.com"
  givenName, familyName, externalId, locale, title      optional strings
  active        optional boolean (default true)
  id            optional fixed id (otherwise one is generated)
  emails        optional [{ "value": "...", "type": "work", "primary": true }]
  roles         optional ["Author", "Accountant"]
  attributes    optional raw SCIM attributes merged in last, e.g.
                { "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "department": "R&D" } }
Groups (postman and generic dialects): { "displayName": "Dept - Sales", "members": ["ada@example.com"] },
  members by userName (or id), optional fixed "id".
Example: config/demo-team.json (the team npm run demo starts with):
  [{ "userName": "alice.adams@example.com", "givenName": "Alice", "familyName": "Adams",
     "externalId": "E1001" },
   { "userName": "carol.chen@example.com", "givenName": "Carol", "familyName": "Chen",
     "externalId": "E1003", "active": false }]
`;

function fail(message: string): never {
  process.stderr.write(`scim emulator: ${message}\n`);
  process.exit(2);
}

function integer(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) fail(`--${name} must be a non-negative integer, got "${raw}"`);
  return Number.parseInt(raw, 10);
}

function parseRateLimit(raw: string | undefined, retryAfter: string | undefined): RateLimitOptions | false | undefined {
  if (retryAfter !== undefined && !['seconds', 'postman', 'none'].includes(retryAfter)) {
    fail(`--retry-after must be seconds, postman or none, got "${retryAfter}"`);
  }
  const mode = retryAfter as RateLimitOptions['retryAfter'];
  if (raw === 'off') return false;
  if (raw === undefined) return mode === undefined ? undefined : { max: 180, windowMs: 60_000, retryAfter: mode };
  const match = /^(\d+)\/(\d+)$/.exec(raw);
  if (!match?.[1] || !match[2]) fail(`--rate-limit must look like 180/60000 (max/windowMs) or "off", got "${raw}"`);
  return { max: Number(match[1]), windowMs: Number(match[2]), ...(mode && { retryAfter: mode }) };
}

function parseDialect(raw: string | undefined): Dialect | undefined {
  if (raw === undefined) return undefined;
  if (!isDialect(raw)) fail(`--dialect must be ${DIALECTS.join(', ')}, got "${raw}"`);
  return raw;
}

/** A seed file is a JSON array of users, or an object with a `users` array (and optionally `groups`). */
async function readSeed(file: string): Promise<{ users: SeedUser[]; groups: SeedGroup[] }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    fail(`cannot read seed file ${file}: ${(error as Error).message}`);
  }
  const users = Array.isArray(parsed) ? parsed : (parsed as { users?: unknown } | null)?.users;
  if (!Array.isArray(users)) fail(`seed file ${file} must hold an array of users or { "users": [...] }`);
  users.forEach((user: unknown, index) => {
    if (typeof (user as { userName?: unknown } | null)?.userName !== 'string') {
      fail(`seed file ${file}: user #${index + 1} has no userName`);
    }
  });
  const groups = Array.isArray(parsed) ? [] : ((parsed as { groups?: unknown }).groups ?? []);
  if (!Array.isArray(groups)) fail(`seed file ${file}: groups must be an array of { "displayName": ..., "members": [userName, ...] }`);
  groups.forEach((group: unknown, index) => {
    if (typeof (group as { displayName?: unknown } | null)?.displayName !== 'string') fail(`seed file ${file}: group #${index + 1} has no displayName`);
  });
  return { users: users as SeedUser[], groups: groups as SeedGroup[] };
}

/** A token from a file (a compose secret), so it needn't be on the command line. */
async function readTokenFile(file: string): Promise<string> {
  try {
    const token = (await readFile(file, 'utf8')).trim();
    if (token === '') fail(`token file ${file} is empty`);
    return token;
  } catch (error) {
    fail(`cannot read token file ${file}: ${(error as Error).message}`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8080' },
      host: { type: 'string' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      seed: { type: 'string' },
      'base-path': { type: 'string' },
      'max-page-size': { type: 'string' },
      'latency-ms': { type: 'string' },
      'rate-limit': { type: 'string' },
      'retry-after': { type: 'string' },
      dialect: { type: 'string' },
      'no-patch': { type: 'boolean' },
      bulk: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write(USAGE);
    return;
  }
  const rateLimit = parseRateLimit(values['rate-limit'], values['retry-after']);
  const maxPageSize = integer('max-page-size', values['max-page-size']);
  const latencyMs = integer('latency-ms', values['latency-ms']);
  const dialect = parseDialect(values.dialect);
  if (values['no-patch'] === true && dialect !== 'generic') fail('--no-patch needs --dialect generic');
  const bulkOperations = integer('bulk', values.bulk);
  if (bulkOperations !== undefined && dialect !== 'generic') fail('--bulk needs --dialect generic');
  const options: EmulatorOptions = {
    port: integer('port', values.port) ?? 8080,
    ...(values.host !== undefined && { host: values.host }),
    ...(values.token !== undefined && { token: values.token }),
    ...(values['token-file'] !== undefined && { token: await readTokenFile(values['token-file']) }),
    ...(values['base-path'] !== undefined && { basePath: values['base-path'] }),
    ...(maxPageSize !== undefined && { maxPageSize }),
    ...(latencyMs !== undefined && { latencyMs }),
    ...(rateLimit !== undefined && { rateLimit }),
    ...(values.seed !== undefined && (await readSeed(values.seed))),
    ...(dialect !== undefined && { dialect }),
    ...(values['no-patch'] === true && { patchSupported: false }),
    ...(bulkOperations !== undefined && { bulk: { maxOperations: bulkOperations } }),
  };

  const emulator = await startEmulator(options);
  process.stdout.write(`${emulator.url}\n`);
  process.stderr.write(
    `scim emulator: ${emulator.store.size} user(s), ${options.token === undefined ? 'no auth' : 'token required'}, ${emulator.dialect} dialect; Ctrl-C to stop\n`,
  );

  const stop = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  // parseArgs' errors (unknown option, missing value) get a pointer to the options.
  fail((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? `${message} (see --help)` : message);
});
