import { describe, expect, it } from 'vitest';
import { BULK_REQUEST_SCHEMA, BULK_RESPONSE_SCHEMA } from '../../src/emulator/bulkRoute.js';
import { call, closeEmulatorsAfterEach, start, USER_SCHEMA } from './support.js';

closeEmulatorsAfterEach();

const bulk = (Operations: unknown[], more: Record<string, unknown> = {}) => ({ schemas: [BULK_REQUEST_SCHEMA], Operations, ...more });
const create = (bulkId: string, userName: string) => ({ method: 'POST', path: '/Users', bulkId, data: { schemas: [USER_SCHEMA], userName } });

describe('emulator, generic dialect: POST /Bulk', () => {
  it('is advertised in /ServiceProviderConfig only when offered, with its limits', async () => {
    const off = await start({ dialect: 'generic' });
    expect((await call(off, 'GET', '/ServiceProviderConfig')).body.bulk).toEqual({ supported: false, maxOperations: 0, maxPayloadSize: 0 });
    expect((await call(off, 'POST', '/Bulk', bulk([create('a', 'a@x.io')]))).status).toBe(404);
    const on = await start({ dialect: 'generic', bulk: { maxOperations: 5, maxPayloadSize: 4096 } });
    expect((await call(on, 'GET', '/ServiceProviderConfig')).body.bulk).toEqual({ supported: true, maxOperations: 5, maxPayloadSize: 4096 });
  });

  it('applies each operation in order and answers each with its bulkId, string status and location; a failure carries its SCIM error', async () => {
    const e = await start({ dialect: 'generic', bulk: { maxOperations: 10 } });
    const answer = await call(
      e,
      'POST',
      '/Bulk',
      bulk([create('one', 'ada@x.io'), create('two', 'ADA@x.io'), { method: 'PATCH', path: '/Users/nope', bulkId: 'three', data: { Operations: [] } }]),
    );
    expect(answer.status).toBe(200);
    expect(answer.body.schemas).toEqual([BULK_RESPONSE_SCHEMA]);
    const [one, two, three] = answer.body.Operations;
    const id = e.store.list()[0]!.id;
    expect(one).toEqual({ method: 'POST', bulkId: 'one', location: `${e.url}/Users/${id}`, status: '201' });
    expect(two).toMatchObject({ method: 'POST', bulkId: 'two', status: '409', response: { scimType: 'uniqueness', status: '409' } });
    expect(three).toMatchObject({ method: 'PATCH', bulkId: 'three', status: '404' });
    expect(e.store.size).toBe(1);
  });

  it('more operations than maxOperations, or a body over maxPayloadSize bytes, is a 413 and nothing is applied', async () => {
    const e = await start({ dialect: 'generic', bulk: { maxOperations: 2, maxPayloadSize: 300 } });
    const three = await call(e, 'POST', '/Bulk', bulk([create('a', 'a@x.io'), create('b', 'b@x.io'), create('c', 'c@x.io')]));
    expect(three.status).toBe(413);
    const body = bulk([create('a', `${'a'.repeat(300)}@x.io`)]);
    const big = await call(e, 'POST', '/Bulk', body);
    expect(big).toMatchObject({ status: 413, body: { detail: expect.stringContaining('maxPayloadSize (300)') } });
    expect(e.store.size).toBe(0);
  });

  it('failOnErrors stops after that many failed operations; a request without the BulkRequest schema is a 400', async () => {
    const e = await start({ dialect: 'generic', bulk: { maxOperations: 10 } });
    const answer = await call(e, 'POST', '/Bulk', bulk([create('a', ''), create('b', 'b@x.io')], { failOnErrors: 1 }));
    expect(answer.body.Operations).toHaveLength(1);
    expect(e.store.size).toBe(0);
    expect((await call(e, 'POST', '/Bulk', { Operations: [create('a', 'a@x.io')] })).status).toBe(400);
  });

  it('a status fault for a path answers that operation inside a Bulk request, not the whole request', async () => {
    const e = await start({
      dialect: 'generic',
      bulk: { maxOperations: 10 },
      faults: { rules: [{ method: 'POST', pathPattern: '/Users$', every: 2, action: { type: 'status', status: 503 } }] },
    });
    const answer = await call(e, 'POST', '/Bulk', bulk([create('a', 'a@x.io'), create('b', 'b@x.io')]));
    expect(answer.status).toBe(200);
    expect(answer.body.Operations.map((o: { status: string }) => o.status)).toEqual(['201', '503']);
  });

  it('is refused for the Postman and Nintex dialects, which have no /Bulk', async () => {
    await expect(start({ dialect: 'postman', bulk: { maxOperations: 10 } })).rejects.toThrow(/generic dialect only/);
  });
});
