import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { userNameKey } from '../../src/domain/userNameKey.js';

/** What a key is by definition; userNameKey skips the work when the address is already one. */
const definition = (userName: string) => userName.trim().normalize('NFC').toLowerCase();

describe('userNameKey', () => {
  it('an address already in key form is returned as it is', () => {
    expect(userNameKey('ada.lovelace+ops@example.com')).toBe('ada.lovelace+ops@example.com');
    expect(userNameKey('')).toBe('');
  });

  it('upper case, surrounding space and decomposed accents are folded', () => {
    expect(userNameKey('  Ada@Example.COM ')).toBe('ada@example.com');
    expect(userNameKey('jose\u0301@example.com')).toBe('jos\u00e9@example.com');
    expect(userNameKey('\tada@example.com\n')).toBe('ada@example.com');
    expect(userNameKey('ÅSA@example.com')).toBe('åsa@example.com');
  });

  it('gives the key the definition gives, for any text (ASCII with every edge character, and full Unicode)', () => {
    const edges = fc.constantFrom(' ', '\t', '\x7f', '@', 'A', 'Z', '[', '`', 'a', 'z', '{', '~', '!', '\u00a0', '\u0301', 'É');
    const text = fc.oneof(fc.string({ unit: fc.oneof(fc.string({ minLength: 1, maxLength: 1 }), edges) }), fc.string({ unit: 'grapheme' }));
    fc.assert(
      fc.property(text, (userName) => userNameKey(userName) === definition(userName)),
      { numRuns: 2000 },
    );
  });
});
