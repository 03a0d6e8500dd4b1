import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BodyTooLarge, readBodyCapped } from '../../src/scim/responseLimits.js';

const bytes = (...parts: (string | number[])[]) => parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p)));

/** What undici's `text()` (a TextDecoder) would make of the same bytes. */
const asTextDecoderWould = (chunks: Buffer[]) => new TextDecoder().decode(Buffer.concat(chunks));

describe('reading an answer body to text', () => {
  it.each([
    ['plain JSON', bytes('{"a":1}')],
    ['a byte order mark first (dropped)', bytes([0xef, 0xbb, 0xbf], '{"a":"é"}')],
    ['two byte order marks (only the first dropped)', bytes([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf], 'x')],
    ['a multi-byte character split across chunks', [Buffer.from([0x7b, 0xe2, 0x82]), Buffer.from([0xac, 0x7d])]],
    ['invalid UTF-8 (a lone continuation byte, a cut-off sequence at the end)', bytes('a', [0x80], 'b', [0xe2, 0x82])],
    ['bytes no UTF-8 has (0xFF, 0xFE)', bytes([0xff, 0xfe], 'z')],
    ['an empty body', []],
  ])('%s decodes exactly as a TextDecoder would', async (_, chunks) => {
    expect(await readBodyCapped(Readable.from(chunks), undefined, 1024)).toBe(asTextDecoderWould(chunks));
  });

  it('refuses a body over the cap, whether Content-Length says so first or the bytes show it', async () => {
    await expect(readBodyCapped(Readable.from(bytes('x'.repeat(10))), '10', 5)).rejects.toBeInstanceOf(BodyTooLarge);
    await expect(readBodyCapped(Readable.from(bytes('xxx', 'xxx')), undefined, 5)).rejects.toBeInstanceOf(BodyTooLarge);
  });
});
