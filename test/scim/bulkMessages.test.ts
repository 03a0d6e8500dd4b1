import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BulkOperation, bulkBodyBytes, bulkRequestBody, idFromLocation, operationBytes, readBulkResponse } from '../../src/scim/bulkMessages.js';

const op = (bulkId: string, data?: Record<string, unknown>): BulkOperation => ({ method: 'POST', path: '/Users', bulkId, ...(data && { data }) });

describe('Bulk messages', () => {
  it('the size computed from the operations is exactly the byte length of the serialised body, whatever the characters', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { minLength: 1, maxLength: 20 }), (names) => {
        const operations = names.map((name, i) => op(`op${i}`, { userName: name, name: { givenName: name } }));
        expect(bulkBodyBytes(operations.map(operationBytes))).toBe(Buffer.byteLength(JSON.stringify(bulkRequestBody(operations))));
      }),
    );
  });

  it('results map back by bulkId in any order, with statuses as strings or numbers', () => {
    const sent = [op('a'), op('b'), op('c')];
    const results = readBulkResponse(
      {
        Operations: [
          { bulkId: 'c', status: '409', response: { detail: 'taken' } },
          { bulkId: 'a', status: 201, location: 'https://x/Users/1' },
        ],
      },
      sent,
    );
    expect(results.get('a')).toEqual({ status: 201, location: 'https://x/Users/1', response: undefined });
    expect(results.get('c')).toMatchObject({ status: 409, response: { detail: 'taken' } });
    expect(results.has('b')).toBe(false);
  });

  it('a service that echoes no bulkId but answers every operation is matched by position; otherwise nothing is guessed', () => {
    const sent = [op('a'), op('b')];
    expect([...readBulkResponse({ Operations: [{ status: '200' }, { status: '400' }] }, sent).entries()].map(([id, r]) => [id, r.status])).toEqual([
      ['a', 200],
      ['b', 400],
    ]);
    expect(readBulkResponse({ Operations: [{ status: '200' }] }, sent).size).toBe(0);
    expect(readBulkResponse('<html>', sent).size).toBe(0);
  });

  it('the id of a created resource is read from its location', () => {
    expect(idFromLocation('https://example.com/scim/v2/Users/2819c223%2F7f76')).toBe('2819c223/7f76');
    expect(idFromLocation('https://example.com/Users/abc/')).toBe('abc');
    expect(idFromLocation(undefined)).toBeUndefined();
  });
});
