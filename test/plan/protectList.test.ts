import { describe, expect, it } from 'vitest';
import { protectList } from '../../src/plan/protectList.js';

describe('sync.protect entries', () => {
  it('an exact userName matches in any case and Unicode form; a glob matches what it describes and no more', () => {
    const list = protectList(['Admin@Example.com', '*@agency.example', 'ci-?@corp.example', 'svc-{backup,deploy}@corp.example']);
    expect(list.covers('admin@example.COM')).toBe(true);
    expect(list.covers('Someone@AGENCY.example')).toBe(true);
    expect(list.covers('someone@agency.example.evil')).toBe(false);
    expect(list.covers('ci-7@corp.example')).toBe(true);
    expect(list.covers('ci-77@corp.example')).toBe(false);
    expect(list.covers('svc-deploy@corp.example')).toBe(true);
    expect(list.covers('svc-other@corp.example')).toBe(false);
  });

  it('characters common in addresses ("+", "!") are literal, not pattern syntax', () => {
    const list = protectList(['ops+alerts@example.com']);
    expect(list.covers('ops+alerts@example.com')).toBe(true);
    expect(list.covers('opsalerts@example.com')).toBe(false);
  });

  it('lists the entries, as configured, that match none of the given userNames', () => {
    const list = protectList(['admin@example.com', 'typo@exampel.com', '*@agency.example', 'ci-*@corp.example']);
    expect(list.unmatched(['ADMIN@example.com', 'x@agency.example'])).toEqual(['typo@exampel.com', 'ci-*@corp.example']);
  });
});
