import { open } from 'node:fs/promises';

/** Delimiters that spreadsheet exports commonly use instead of ',' (locale settings, "TSV"). */
const CANDIDATES = [';', '\t', '|'] as const;

/**
 * A hint for the most common cause of "missing header" and of odd quote errors on line 1:
 * the file is delimited by something else than configured (Excel in many European locales
 * writes ';'). Returns e.g. `looks like it uses ';' as delimiter; set source.delimiter`,
 * or undefined when the line does contain the configured delimiter or no other candidate.
 */
export function delimiterHint(headerLine: string, configured: string): string | undefined {
  if (headerLine.includes(configured)) return undefined;
  let best: string | undefined;
  let bestCount = 0;
  for (const candidate of CANDIDATES) {
    if (candidate === configured) continue;
    const count = headerLine.split(candidate).length - 1;
    if (count > bestCount) [best, bestCount] = [candidate, count];
  }
  if (best === undefined) return undefined;
  const shown = best === '\t' ? '\\t' : best;
  return `looks like it uses '${shown}' as delimiter; set source.delimiter`;
}

/**
 * The file's first line (at most 64 KiB), read again only on the error path: when csv-parse
 * fails on line 1 we never got the header as cells, but still want to give the delimiter hint.
 */
export async function readFirstLine(path: string): Promise<string | undefined> {
  try {
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(64 * 1024);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      const text = buffer.subarray(0, bytesRead).toString('utf8');
      return text.split(/\r?\n/, 1)[0];
    } finally {
      await handle.close();
    }
  } catch {
    return undefined; // a hint is best-effort; the original error is what matters
  }
}
