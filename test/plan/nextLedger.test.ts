import { describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/domain/ledger.js';
import type { RemoteUser } from '../../src/domain/remoteUser.js';
import { managedDomains } from '../../src/plan/managedDomains.js';
import { nextLedger } from '../../src/plan/nextLedger.js';

const remote = (id: string, userName: string, active = true): RemoteUser => ({ id, userName, active });
const now = new Date('2026-03-01T12:00:00Z');

describe('nextLedger', () => {
  it('links matched and created accounts, notes leavers deactivated, and lets go of released, out-of-scope and deleted accounts', () => {
    const previous: Ledger = {
      users: new Map([
        ['kept', { userName: 'kept@corp.example', linkedAt: '2026-01-01T00:00:00.000Z' }],
        ['leaver', { userName: 'leaver@partner.example', linkedAt: '2026-01-01T00:00:00.000Z' }],
        ['released', { userName: 'moved@partner.example', linkedAt: '2026-01-01T00:00:00.000Z', leftAt: '2026-02-01T00:00:00.000Z' }],
        ['scoped', { userName: 'scoped@corp.example', linkedAt: '2026-01-01T00:00:00.000Z' }],
        ['deleted', { userName: 'deleted@corp.example', linkedAt: '2026-01-01T00:00:00.000Z' }],
      ]),
      domains: ['old.example'],
    };
    const next = nextLedger(previous, {
      plan: {
        matched: ['kept'],
        unmanaged: [{ id: 'released', userName: 'moved@partner.example', active: true, released: true }],
        skipped: [{ id: 'scoped', userName: 'scoped@corp.example', reason: 'out-of-scope' }],
      },
      outcomes: [
        { op: 'create', userName: 'new@corp.example', externalId: 'E5', id: 'created', outcome: 'succeeded' },
        { op: 'create', userName: 'failed@corp.example', outcome: 'failed' },
        { op: 'deactivate', userName: 'leaver@partner.example', id: 'leaver', outcome: 'succeeded', reason: 'missing-from-roster', managedBy: 'ledger' },
      ],
      remoteUsers: [
        remote('kept', 'kept@corp.example'),
        remote('leaver', 'leaver@partner.example'),
        remote('released', 'moved@partner.example'),
        remote('scoped', 'scoped@corp.example'),
      ],
      domains: ['corp.example', 'old.example'],
      now,
    });
    expect(Object.fromEntries(next.users)).toEqual({
      kept: { userName: 'kept@corp.example', linkedAt: '2026-01-01T00:00:00.000Z' },
      created: { userName: 'new@corp.example', externalId: 'E5', linkedAt: '2026-03-01T12:00:00.000Z' },
      leaver: { userName: 'leaver@partner.example', linkedAt: '2026-01-01T00:00:00.000Z', leftAt: '2026-03-01T12:00:00.000Z' },
    });
    expect(next.domains).toEqual(['corp.example', 'old.example']);
  });
});

describe('managedDomains', () => {
  const user = (userName: string) => ({ line: 2, externalId: 'E', userName, givenName: 'A', familyName: 'B', active: true });

  it('by default: the roster’s domains plus every domain managed before, so a divested domain keeps its leavers deactivated', () => {
    expect(managedDomains(undefined, [user('a@Corp.Example'), user('joe.bloggs')], ['divested.example'])).toEqual({
      domains: ['corp.example', 'divested.example'],
      from: 'roster-and-ledger',
    });
  });

  it('rows alternating between domains, written in different cases and with a look-alike ending, each add their own domain once', () => {
    const rows = ['a@corp.example', 'b@corp.example', 'c@notcorp.example', 'd@CORP.example', 'e@corp.example', 'f@sub@other.example', 'g'].map(user);
    expect(managedDomains(undefined, rows, []).domains).toEqual(['corp.example', 'notcorp.example', 'other.example']);
  });

  it('configured: exactly those, and "*" for every account', () => {
    expect(managedDomains(['corp.example'], [user('a@other.example')], ['old.example'])).toEqual({ domains: ['corp.example'], from: 'config' });
    expect(managedDomains(['*'], [], [])).toEqual({ domains: '*', from: 'config' });
  });
});
