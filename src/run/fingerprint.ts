import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Config } from '../config/loadConfig.js';

/*
 * The fingerprints `sync.fullReadEvery` compares (see plan/unchangedCycle.ts): the roster file's
 * bytes and the settings that shape the plan. Reading the file is I/O, so it lives in the shell.
 */

/** SHA-256 of a file, streamed (a roster may be hundreds of MB). */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** What shapes the plan and where it goes: the roster mapping, the target (not the token) and the sync rules. */
export function settingsSha256(config: Config): string {
  const { token: _token, tokenFile: _tokenFile, ...target } = config.target;
  return (
    createHash('sha256')
      // `groups` is left out of the JSON when unset, so configs without it keep their fingerprint.
      .update(JSON.stringify({ source: config.source, target, sync: config.sync, groups: config.groups }))
      .digest('hex')
  );
}
