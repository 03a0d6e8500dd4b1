import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from '../validation/zod.js';
import { emptyLedger, type GroupLedgerEntry, type Ledger, type LedgerEntry } from '../domain/ledger.js';
import { ScimSyncError } from '../domain/scimSyncError.js';
import { writePrivateFileAtomically } from '../report/privateFile.js';

/** The ledger's file in `state.dir`. */
export function ledgerPath(stateDir: string): string {
  return join(stateDir, 'ledger.json');
}

/**
 * The ledger file can't be used. An unreadable ledger is not an empty one: reading it as empty
 * would quietly drop every account it names from what this sync manages, so the run stops
 * (exit 2) before anything is sent and says which file to look at.
 */
export class LedgerError extends ScimSyncError {
  constructor(
    readonly file: string,
    problem: string,
    cause?: unknown,
  ) {
    super(
      `the ledger ${file} ${problem}; nothing was sent. Restore it from a backup, or move it aside to start a new one ` +
        '(a run without a ledger manages the accounts sync.manage.domains covers, and adds the rest as it matches them)',
      { cause },
    );
  }
}

const entrySchema = z.object({
  userName: z.string(),
  externalId: z.string().optional(),
  linkedAt: z.string(),
  leftAt: z.string().optional(),
});

const groupEntrySchema = z.object({ displayName: z.string(), linkedAt: z.string() });

/**
 * Version 1: `users` (by service id), `domains` and, since groups, `groups` (by service id; a file
 * written before has none, which reads as no managed groups). Keys this version doesn't know are
 * kept as they are when the file is rewritten.
 */
const fileSchema = z
  .object({
    version: z.literal(1),
    users: z.record(z.string(), entrySchema),
    domains: z.array(z.string()),
    groups: z.record(z.string(), groupEntrySchema).optional(),
  })
  .loose();

type LedgerFile = z.infer<typeof fileSchema>;

/** What the ledger file holds; an empty ledger when there is none yet (a first run, a new volume). */
export function readLedger(stateDir: string): { ledger: Ledger; found: boolean; extra: Record<string, unknown> } {
  const file = ledgerPath(stateDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ledger: emptyLedger(), found: false, extra: {} };
    throw new LedgerError(file, `can't be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, error);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new LedgerError(file, `is not valid JSON (${(error as Error).message})`, error);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new LedgerError(file, `is not a scim-sync ledger (at ${issue.path.join('.') || 'the top'}: ${issue.message})`, parsed.error);
  }
  const { version: _version, users, domains, groups, ...extra } = parsed.data;
  const entries = Object.entries(users).map(([id, entry]): [string, LedgerEntry] => [id, entry]);
  const groupEntries = Object.entries(groups ?? {}).map(([id, entry]): [string, GroupLedgerEntry] => [id, entry]);
  return { ledger: { users: new Map(entries), domains, groups: new Map(groupEntries) }, found: true, extra };
}

/** Atomically (temp file + rename), owner-only, like state.json: a crash never leaves half a ledger. */
export function writeLedger(stateDir: string, ledger: Ledger, extra: Record<string, unknown> = {}): void {
  const byId = <T>(map: Map<string, T>) => Object.fromEntries([...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const groups = ledger.groups && ledger.groups.size > 0 ? { groups: byId(ledger.groups) } : {};
  const file: LedgerFile = { ...extra, version: 1, users: byId(ledger.users), domains: [...ledger.domains].sort(), ...groups };
  writePrivateFileAtomically(ledgerPath(stateDir), JSON.stringify(file, null, 2) + '\n');
}
