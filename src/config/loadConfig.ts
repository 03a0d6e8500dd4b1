import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { type Document, isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from './configError.js';
import { applyEnvOverrides, overrideFor, withoutOverriddenKeys } from './envOverrides.js';
import { interpolateEnv, MissingEnvError } from './interpolateEnv.js';
import { isLoopbackHost } from './isLoopbackHost.js';
import { PROXY_VARIABLES, type ProxyEnvironment, proxyEnvironmentOf } from '../net/proxyRoute.js';
import { configSchema, type FileConfig } from './schema.js';
import { Secret } from './secret.js';
import { suggestKey } from './suggestKey.js';
import { tokenProblem } from './tokenProblem.js';

/** The config after validation: paths absolute, token resolved and wrapped so it can't be printed. */
export interface Config extends FileConfig {
  file: string;
  token: Secret;
  /** The roster download's Authorization header (from source.auth), when the roster is a URL. */
  rosterAuthorization?: Secret;
  /** HTTPS_PROXY, HTTP_PROXY, NO_PROXY (either case) as they were when the config was loaded. */
  proxyEnvironment: ProxyEnvironment;
  /** notify.webhook with its URL resolved (from url or urlFile) and wrapped: its path is often the secret. */
  webhook?: Webhook;
  /**
   * Line of each `source.columns.<key>` and of `source.status.column` in the file (keyed by the
   * dotted key path), so a roster error about a column can point at the config line that named it.
   */
  keyLines: Readonly<Record<string, number>>;
}

/** Command-line flags that replace config keys. */
export interface ConfigOverrides {
  /** `--roster FILE` or `--roster -` (standard input): replaces source.path and source.url. */
  roster?: string;
}

/** `source.path` meaning "read the roster from standard input" (`--roster -`). */
export const STDIN_ROSTER = '-';

export type Webhook = Omit<NonNullable<FileConfig['notify']['webhook']>, 'url' | 'urlFile'> & { url: Secret };

export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): Config {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(path, undefined, undefined, code === 'ENOENT' ? 'file not found (use --config FILE)' : `can't read: ${code}`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax) {
    throw new ConfigError(path, undefined, lines.linePos(syntax.pos[0]).line, `invalid YAML: ${syntax.message.split('\n')[0]}`);
  }
  const locate: Locate = (keyPath, problem) => configErrorAt(path, doc, lines, env, keyPath, problem);

  if (env.SCIM_TOKEN && env.SCIM_TOKEN_FILE) {
    throw new ConfigError(
      path,
      undefined,
      undefined,
      'SCIM_TOKEN and SCIM_TOKEN_FILE are both set in the environment; set only one (each replaces target.token and target.tokenFile)',
    );
  }
  let raw: unknown;
  try {
    // Keys an environment variable overrides are dropped before `${VAR}` is resolved, so e.g.
    // `token: ${SCIM_TOKEN}` doesn't need SCIM_TOKEN when SCIM_TOKEN_FILE replaces it.
    raw = applyEnvOverrides(interpolateEnv(withRosterOverride(withoutOverriddenKeys(doc.toJS() ?? {}, env), overrides.roster), env), env);
  } catch (error) {
    if (error instanceof MissingEnvError) {
      // The token has a second way in: point the admin at it rather than only at the variable.
      const tokenHint =
        error.keyPath.join('.') === 'target.token' ? `; set ${error.variable}, or give the token in a file with target.tokenFile (or SCIM_TOKEN_FILE)` : '';
      throw locate(error.keyPath, `${error.message} (the value is "\${${error.variable}}")${tokenHint}`);
    }
    throw error;
  }

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    // A typo'd key also makes the intended key "missing": name the typo, it is the cause.
    const issues = [...parsed.error.issues].sort((a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'));
    throw toConfigError(path, issues[0]!, raw, locate);
  }
  const settings = parsed.data;
  const base = dirname(path);
  const absolute = (p: string) => (isAbsolute(p) ? p : resolve(base, p));

  refuseCredentialsInUrl(settings, locate);
  refuseInsecureHttp(settings, locate);
  const token = readToken(settings, absolute, locate);
  checkRosterSource(settings, locate);
  checkGroups(settings, locate);
  const rosterAuthorization = readRosterAuth(settings, absolute, locate);
  const tls = checkTlsFiles(settings, absolute, locate);
  checkProxies(settings, env, path, locate);
  const { auth: _auth, ...source } = settings.source;
  const rosterPath = source.path === undefined || source.path === STDIN_ROSTER ? source.path : absolute(source.path);
  const webhook = readWebhook(settings, absolute, locate);
  const columnKeys = [
    ...Object.keys(settings.source.columns).map((key) => ['source', 'columns', key]),
    ['source', 'status', 'column'],
    ...(settings.groups?.from ?? []).map((_, i): (string | number)[] => ['groups', 'from', i]),
  ];
  const keyLines = Object.fromEntries(
    columnKeys.flatMap((keyPath) => (lineOf(doc, lines, keyPath) === undefined ? [] : [[keyPath.join('.'), lineOf(doc, lines, keyPath)!]])),
  );
  return {
    ...settings,
    file: path,
    token,
    rosterAuthorization,
    proxyEnvironment: proxyEnvironmentOf(env),
    source: { ...source, path: rosterPath },
    target: { ...settings.target, ...tls, token: undefined, tokenFile: settings.target.tokenFile && absolute(settings.target.tokenFile) },
    webhook,
    notify: {},
    keyLines,
    report: { ...settings.report, dir: absolute(settings.report.dir) },
    state: { ...settings.state, dir: absolute(settings.state.dir) },
  };
}

function readToken(settings: FileConfig, absolute: (p: string) => string, locate: Locate): Secret {
  if (settings.target.token !== undefined) {
    const problem = tokenProblem(settings.target.token);
    if (problem) throw locate(['target', 'token'], problem);
    return new Secret(settings.target.token);
  }
  const tokenFile = absolute(settings.target.tokenFile!);
  try {
    // trim(): the newline an editor or `echo` leaves at the end is not part of the token.
    const value = readFileSync(tokenFile, 'utf8').trim();
    if (value === '') throw locate(['target', 'tokenFile'], `${tokenFile} is empty`);
    const problem = tokenProblem(value);
    if (problem) throw locate(['target', 'tokenFile'], `${tokenFile}: ${problem}`);
    return new Secret(value);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw locate(['target', 'tokenFile'], `can't read ${tokenFile}: ${code}`);
  }
}

/**
 * The webhook URL, from the file or urlFile. Its path is usually the credential (a Slack
 * incoming webhook is `https://hooks.slack.com/services/T…/B…/<secret>`), so it is held as a
 * Secret, must be https (or http to loopback: a test receiver, a local relay), and no error
 * repeats it.
 */
function readWebhook(settings: FileConfig, absolute: (p: string) => string, locate: Locate): Webhook | undefined {
  const webhook = settings.notify.webhook;
  if (!webhook) return undefined;
  const { url: inline, urlFile, ...rest } = webhook;
  const key = inline !== undefined ? 'url' : 'urlFile';
  let value = inline;
  if (urlFile !== undefined) {
    try {
      value = readFileSync(absolute(urlFile), 'utf8').trim();
    } catch (error) {
      throw locate(['notify', 'webhook', 'urlFile'], `can't read ${absolute(urlFile)}: ${(error as NodeJS.ErrnoException).code}`);
    }
  }
  let url: URL;
  try {
    url = new URL(value ?? '');
  } catch {
    throw locate(
      ['notify', 'webhook', key],
      'is not an absolute URL such as https://hooks.slack.com/services/… (the value is not shown: it may hold a secret)',
    );
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw locate(
      ['notify', 'webhook', key],
      `must be https (got ${url.protocol}//${url.host}): the URL's path is usually the webhook's secret; plain http is allowed to loopback only`,
    );
  }
  return { ...rest, url: new Secret(url.href) };
}

/**
 * `https://user:password@host/…` would put a credential wherever the base URL is shown (validate,
 * config errors, every report's config.baseUrl), and it isn't how SCIM authenticates anyway.
 * Checked before anything prints the URL; the message never repeats it.
 */
function refuseCredentialsInUrl(settings: FileConfig, locate: Locate): void {
  const url = new URL(settings.target.baseUrl);
  if (url.username === '' && url.password === '') return;
  throw locate(
    ['target', 'baseUrl'],
    'holds a user name or password before "@" (https://user:password@host/…), which would be shown wherever the URL is; ' +
      "remove it (the URL is not repeated here for that reason): the service's token goes in target.token (e.g. ${SCIM_TOKEN}) or target.tokenFile",
  );
}

/** Nintex Process Manager has no /Groups (seed 003 lists /Users only); what it has is roles. */
function checkGroups(settings: FileConfig, locate: Locate): void {
  if (settings.groups === undefined || settings.target.provider !== 'nintex') return;
  throw locate(
    ['groups'],
    "Nintex Process Manager has no /Groups resource (its SCIM API serves /Users only), so groups can't be kept there; " +
      'remove groups and map roles instead, e.g. source.columns.roles: { column: Roles, split: ";" }',
  );
}

/** `--roster` replaces the roster's location in the file (and the download's credentials with it). */
function withRosterOverride(raw: unknown, roster: string | undefined): unknown {
  if (roster === undefined || raw === null || typeof raw !== 'object') return raw;
  const config = raw as Record<string, unknown>;
  const source = (config.source && typeof config.source === 'object' ? config.source : {}) as Record<string, unknown>;
  const { url: _url, auth: _auth, ...rest } = source;
  return { ...config, source: { ...rest, path: roster } };
}

/** Exactly one place to read the roster from; a URL held to the same rules as target.baseUrl. */
function checkRosterSource(settings: FileConfig, locate: Locate): void {
  const { path, url, auth } = settings.source;
  if ((path === undefined) === (url === undefined)) {
    throw locate(
      ['source', path === undefined ? 'path' : 'url'],
      'set exactly one of source.path (a file, or - for standard input) and source.url (or give --roster FILE|-)',
    );
  }
  if (url === undefined) {
    if (auth !== undefined) throw locate(['source', 'auth'], 'applies to source.url only; a file or standard input needs no credentials');
    return;
  }
  const parsed = new URL(url);
  if (parsed.username !== '' || parsed.password !== '') {
    throw locate(
      ['source', 'url'],
      'holds a user name or password before "@", which would be shown wherever the URL is; remove it (the URL is not repeated here for that reason) and put the credentials in source.auth',
    );
  }
  if (parsed.protocol === 'https:') return;
  if (parsed.protocol !== 'http:') throw locate(['source', 'url'], `expected an http(s) URL, got the scheme "${parsed.protocol}"`);
  if (!isLoopbackHost(parsed.hostname) && !settings.target.allowInsecureHttp) {
    throw locate(
      ['source', 'url'],
      'plain http to a non-loopback host would send the roster (and source.auth) unencrypted; use https, or set target.allowInsecureHttp: true if you really mean it',
    );
  }
}

/** source.auth → the Authorization header the download sends, held as a Secret. */
function readRosterAuth(settings: FileConfig, absolute: (p: string) => string, locate: Locate): Secret | undefined {
  const auth = settings.source.auth;
  if (auth === undefined) return undefined;
  const fromFile = (keyPath: string[], file: string): string => {
    try {
      const value = readFileSync(absolute(file), 'utf8').replace(/\r?\n$/, '');
      if (value === '') throw locate(keyPath, `${absolute(file)} is empty`);
      return value;
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw locate(keyPath, `can't read ${absolute(file)}: ${(error as NodeJS.ErrnoException).code}`);
    }
  };
  if (auth.basic !== undefined) {
    const { username, password, passwordFile } = auth.basic;
    const secret = password ?? fromFile(['source', 'auth', 'basic', 'passwordFile'], passwordFile!);
    if (username.includes(':')) throw locate(['source', 'auth', 'basic', 'username'], 'contains ":", which Basic authentication cannot carry in a user name');
    return new Secret(`Basic ${Buffer.from(`${username}:${secret}`).toString('base64')}`);
  }
  const keyPath = auth.bearer !== undefined ? ['source', 'auth', 'bearer'] : ['source', 'auth', 'bearerFile'];
  const bearer = auth.bearer ?? fromFile(keyPath, auth.bearerFile!).trim();
  const problem = tokenProblem(bearer);
  if (problem) throw locate(keyPath, problem);
  return new Secret(`Bearer ${bearer}`);
}

/** CA bundle, client certificate and key: absolute, readable and what they claim to be, or a config error naming the key. */
function checkTlsFiles(
  settings: FileConfig,
  absolute: (p: string) => string,
  locate: Locate,
): { caFile?: string; clientCertFile?: string; clientKeyFile?: string } {
  const { caFile, clientCertFile, clientKeyFile } = settings.target;
  const read = (key: string, file: string): string => {
    try {
      return readFileSync(absolute(file), 'utf8');
    } catch (error) {
      throw locate(['target', key], `can't read ${absolute(file)}: ${(error as NodeJS.ErrnoException).code}`);
    }
  };
  const certificate = (key: string, file: string): X509Certificate => {
    try {
      return new X509Certificate(read(key, file));
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw locate(['target', key], `${absolute(file)} holds no PEM certificate ("-----BEGIN CERTIFICATE-----")`);
    }
  };
  if (caFile !== undefined) certificate('caFile', caFile);
  if (clientCertFile !== undefined && clientKeyFile !== undefined) {
    const cert = certificate('clientCertFile', clientCertFile);
    let key;
    try {
      key = createPrivateKey(read('clientKeyFile', clientKeyFile));
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw locate(['target', 'clientKeyFile'], `${absolute(clientKeyFile)} holds no unencrypted PEM private key`);
    }
    if (!cert.checkPrivateKey(key)) throw locate(['target', 'clientKeyFile'], `is not the key of the certificate in target.clientCertFile`);
  }
  return {
    caFile: caFile && absolute(caFile),
    clientCertFile: clientCertFile && absolute(clientCertFile),
    clientKeyFile: clientKeyFile && absolute(clientKeyFile),
  };
}

/** A proxy URL scim-sync can use, from target.proxy or the environment; errors never repeat it (it may hold a password). */
function checkProxies(settings: FileConfig, env: NodeJS.ProcessEnv, file: string, locate: Locate): void {
  const problem = (value: string): string | undefined => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return 'is not a URL such as http://proxy.example.com:3128 (the value is not shown: it may hold a password)';
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return `uses the scheme "${url.protocol}"; scim-sync speaks to http and https proxies`;
    return undefined;
  };
  const configured = settings.target.proxy;
  if (configured !== undefined && configured !== 'none') {
    const wrong = problem(configured);
    if (wrong) throw locate(['target', 'proxy'], wrong);
    return; // target.proxy overrides the environment: its variables don't matter
  }
  if (configured === 'none') return;
  for (const name of PROXY_VARIABLES) {
    const value = env[name];
    if (name.toLowerCase() === 'no_proxy' || value === undefined || value === '') continue;
    const wrong = problem(value);
    if (wrong) throw new ConfigError(file, undefined, undefined, `the environment variable ${name} ${wrong}; fix it, or set target.proxy`);
  }
}

/** A token sent in clear text over a network is a leaked token; loopback (the emulator, a sidecar) is fine. */
function refuseInsecureHttp(settings: FileConfig, locate: Locate): void {
  const url = new URL(settings.target.baseUrl);
  if (url.protocol === 'https:') return;
  if (url.protocol !== 'http:') {
    throw locate(['target', 'baseUrl'], `got "${settings.target.baseUrl}", expected an http(s) URL`);
  }
  if (!isLoopbackHost(url.hostname) && !settings.target.allowInsecureHttp) {
    throw locate(
      ['target', 'baseUrl'],
      `got "${settings.target.baseUrl}": plain http to a non-loopback host would send the token unencrypted; ` +
        'use https, or set target.allowInsecureHttp: true if you really mean it',
    );
  }
}

/** A ConfigError about the key at `keyPath`: its line in the file, or the environment variable that set it. */
type Locate = (keyPath: (string | number)[], problem: string) => ConfigError;

function configErrorAt(file: string, doc: Document, lines: LineCounter, env: NodeJS.ProcessEnv, keyPath: (string | number)[], problem: string): ConfigError {
  const variable = overrideFor(keyPath, env)?.name;
  return new ConfigError(file, keyPath.join('.') || undefined, variable ? undefined : lineOf(doc, lines, keyPath), problem, variable);
}

function toConfigError(file: string, issue: z.core.$ZodIssue, raw: unknown, locate: Locate): ConfigError {
  const keyPath = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const full = [...keyPath, key];
    const hint = suggestKey(key, allowedKeysAt(keyPath));
    return locate(full, `unknown key${hint ? ` (did you mean "${[...keyPath, hint].join('.')}"?)` : ''}; allowed here: ${allowedKeysAt(keyPath).join(', ')}`);
  }
  const value = valueAt(raw, keyPath);
  const got = value === undefined ? 'nothing' : shown(keyPath, value);
  if (issue.code === 'invalid_union' && value !== undefined && keyPath[0] === 'source' && keyPath[1] === 'columns') {
    return locate(
      keyPath,
      `got ${got}, expected a CSV header name or a recipe such as { column: x, transform: [lowercase] } or { template: "{first}.{last}@example.com" }`,
    );
  }
  // A union's first alternative says best what a missing value should have been.
  const explained = issue.code === 'invalid_union' ? (issue.errors[0]?.[0] ?? issue) : issue;
  if (keyPath.length === 0) return new ConfigError(file, '(top level)', undefined, `got ${got}, expected ${expectation(explained)}`);
  return locate(keyPath, `got ${got}, expected ${expectation(explained)}`);
}

/** A value as a config error may show it: never the token, never a password in a URL. */
function shown(keyPath: (string | number)[], value: unknown): string {
  if (keyPath.join('.') === 'target.token' || keyPath.join('.') === 'notify.webhook.url') return `a ${typeof value} (not shown)`;
  const text = JSON.stringify(value);
  return typeof value === 'string' ? text.replace(/(\/\/)[^/?#\s]*@/g, '$1[credentials removed]@') : text;
}

function expectation(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return issue.expected === 'undefined' ? 'no value' : `${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
  if (issue.code === 'too_small') return `at least ${issue.minimum}`;
  if (issue.code === 'too_big') return `at most ${issue.maximum}`;
  if (issue.code === 'invalid_value') return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return issue.message.replace(/^Invalid input: ?/, '') || 'a valid value';
}

function valueAt(raw: unknown, keyPath: (string | number)[]): unknown {
  let current = raw;
  for (const key of keyPath) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** Keys the schema allows at a path, for "allowed here: …" and "did you mean". */
function allowedKeysAt(keyPath: (string | number)[]): string[] {
  let schema: unknown = configSchema;
  for (const key of keyPath) {
    const shape = objectShape(schema);
    if (!shape) return [];
    schema = shape[key as string];
  }
  return Object.keys(objectShape(schema) ?? {});
}

function objectShape(schema: unknown): Record<string, unknown> | undefined {
  let current = schema as { shape?: Record<string, unknown>; _zod?: { def?: { innerType?: unknown; in?: unknown } } } | undefined;
  for (let depth = 0; current && depth < 10; depth++) {
    if (current.shape) return current.shape;
    current = (current._zod?.def?.innerType ?? current._zod?.def?.in) as typeof current;
  }
  return undefined;
}

function lineOf(doc: Document, lines: LineCounter, keyPath: (string | number)[]): number | undefined {
  for (let n = keyPath.length; n >= 0; n--) {
    const parent = n === 0 ? doc.contents : doc.getIn(keyPath.slice(0, n - 1), true);
    if (n === 0) return undefined;
    const key = keyPath[n - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === key);
      const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
      if (range) return lines.linePos(range[0]).line;
    }
    const node = doc.getIn(keyPath.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}
