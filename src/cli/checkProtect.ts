import type { Config } from '../config/loadConfig.js';
import { isProtectPattern, protectList } from '../plan/protectList.js';
import type { ScimClient } from '../scim/scimClient.js';
import { userNameFilterPath } from '../scim/userNameFilter.js';

/**
 * `validate`'s check of `sync.protect` against the service, cheaply: the first page of users it
 * has read already; when that isn't every user, one `filter=userName eq` lookup per exact entry
 * still unmatched (patterns can't be looked up that way: a run checks them against every user,
 * and its report lists them under `unmatchedProtect`). Returns the lines to print.
 */
export async function checkProtect(
  config: Config,
  client: ScimClient,
  firstPage: { totalResults?: unknown; Resources?: unknown[] },
  canFilter: boolean,
): Promise<string[]> {
  const entries = config.sync.protect;
  if (entries.length === 0) return [];
  const resources = Array.isArray(firstPage.Resources) ? firstPage.Resources : [];
  const userNames = resources.flatMap((r) => {
    const name = (r as { userName?: unknown } | null)?.userName;
    return typeof name === 'string' ? [name] : [];
  });
  const list = protectList(entries);
  let unmatched = list.unmatched(userNames);
  const everyone = Number(firstPage.totalResults) <= resources.length;
  const lines: string[] = [];
  if (!everyone) {
    const stillOpen: string[] = [];
    for (const entry of unmatched) {
      if (!canFilter || isProtectPattern(entry)) {
        lines.push(`sync.protect ${JSON.stringify(entry)}: matches none of the first ${resources.length} users; a run checks it against every user`);
        continue;
      }
      const { body } = await client.get(userNameFilterPath(entry));
      const found = Array.isArray((body as { Resources?: unknown[] } | undefined)?.Resources) && (body as { Resources: unknown[] }).Resources.length > 0;
      if (!found) stillOpen.push(entry);
    }
    unmatched = stillOpen;
  }
  if (unmatched.length > 0) {
    lines.push(
      `warning: sync.protect entries that match no account on the service: ${unmatched.map((e) => JSON.stringify(e)).join(', ')} (check the spelling)`,
    );
  }
  return lines;
}
