import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../src/scim/retryAfter.js';

describe('retryAfterMs', () => {
  const now = Date.parse('2026-11-23T10:00:00Z');
  it('reads Retry-After in seconds', () => expect(retryAfterMs({ 'retry-after': '7' }, now)).toBe(7000));
  it('reads Retry-After as an HTTP date', () => expect(retryAfterMs({ 'retry-after': 'Mon, 23 Nov 2026 10:00:30 GMT' }, now)).toBe(30_000));
  it("reads Postman's RetryAfter header", () => expect(retryAfterMs({ retryafter: '12' }, now)).toBe(12_000));
  it("reads Postman's X-RateLimit-RetryAfter header", () => expect(retryAfterMs({ 'x-ratelimit-retryafter': '3' }, now)).toBe(3000));
  it('treats a huge number as an epoch timestamp', () => expect(retryAfterMs({ 'x-ratelimit-retryafter': String(now / 1000 + 20) }, now)).toBe(20_000));
  it('returns undefined when no header is usable, so the 60 s default applies', () => {
    expect(retryAfterMs({}, now)).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
  });
});
