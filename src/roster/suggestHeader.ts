import { editDistance } from '../config/suggestKey.js';
import { quoteInput } from '../display/quoteInput.js';

/**
 * What a configured column that isn't in the header row most likely meant, as a hint:
 *  - a header that continues the name with " #" ("Employee #"): YAML read the unquoted ` #` as
 *    the start of a comment, so the configured name lost its end — quote it;
 *  - else the closest header, compared without case, spaces and punctuation ("first_name" →
 *    "First Name"), within a few edits.
 * Undefined when nothing is close.
 */
export function suggestHeader(configured: string, headers: readonly string[], configKey: string): string | undefined {
  const commented = headers.find((h) => h.startsWith(`${configured} #`));
  if (commented !== undefined) {
    return `the header is ${quoteInput(commented)}: in YAML an unquoted " #" starts a comment, so quote it: ${configKey}: ${quoteInput(commented)}`;
  }
  const wanted = loose(configured);
  let best: { header: string; distance: number } | undefined;
  for (const header of headers) {
    if (header === '') continue;
    const distance = editDistance(wanted, loose(header));
    if (!best || distance < best.distance) best = { header, distance };
  }
  if (!best || best.distance > Math.max(2, Math.floor(wanted.length / 4))) return undefined;
  return `did you mean ${quoteInput(best.header)}?`;
}

function loose(name: string): string {
  return name.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}
