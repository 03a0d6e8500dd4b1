/**
 * Deterministic generators for benchmark rosters and teams. Nothing here is committed as data:
 * rosters of 100,000 or 1,000,000 rows are written on demand under bench/tmp/ (or a temp dir).
 *
 *   node bench/dist/bench/generate.js roster FILE N      # N roster rows, everyone active
 *   node bench/dist/bench/generate.js seed FILE N        # N users as an emulator --seed file
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { SeedUser } from '../src/emulator/server.js';

const GIVEN = [
  'Ada',
  'Alan',
  'Grace',
  'Edsger',
  'Barbara',
  'Donald',
  'Margaret',
  'Ken',
  'Radia',
  'Niklaus',
  'Frances',
  'John',
  'Hedy',
  'Dennis',
  'Sophie',
  'Tim',
  'Karen',
  'Linus',
  'Shafi',
  'Leslie',
  'Fran',
  'Bjarne',
  'Anita',
  'Guido',
  'Joan',
  'James',
  'Mary',
  'Robin',
  'Adele',
  'Butler',
  'Jean',
  'Ivan',
];
const FAMILY = [
  'Lovelace',
  'Turing',
  'Hopper',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Hamilton',
  'Thompson',
  'Perlman',
  'Wirth',
  'Allen',
  'McCarthy',
  'Lamarr',
  'Ritchie',
  'Wilson',
  'Berners-Lee',
  'Sparck-Jones',
  'Torvalds',
  'Goldwasser',
  'Lamport',
  'Bilas',
  'Stroustrup',
  'Borg',
  'van Rossum',
  'Clarke',
  'Gosling',
  'Keller',
  'Milner',
  'Goldberg',
  'Lampson',
  'Sammet',
  'Sutherland',
];

/** Person #i (0-based) as HR knows them. */
export interface Person {
  externalId: string;
  userName: string;
  givenName: string;
  familyName: string;
  status: 'active' | 'terminated';
}

export function person(i: number): Person {
  return {
    externalId: `E${String(i).padStart(7, '0')}`,
    userName: `user${i}@example.com`,
    givenName: GIVEN[i % GIVEN.length]!,
    familyName: FAMILY[Math.floor(i / GIVEN.length) % FAMILY.length]!,
    status: 'active',
  };
}

/** The same person after a name change (a different given name, deterministic). */
export function renamed(p: Person): Person {
  return { ...p, givenName: `${p.givenName}-Renamed` };
}

export function seedOf(p: Person, overrides: Partial<SeedUser> = {}): SeedUser {
  return { userName: p.userName, givenName: p.givenName, familyName: p.familyName, externalId: p.externalId, active: true, ...overrides };
}

export const ROSTER_HEADER = 'employee_id,email,first_name,last_name,status';

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function rosterLine(p: Person): string {
  return [p.externalId, p.userName, p.givenName, p.familyName, p.status].map(csvCell).join(',');
}

/** Writes a roster CSV in chunks (never the whole file as one string). Returns bytes written. */
export function writeRoster(file: string, people: Iterable<Person>): number {
  const fd = openSync(file, 'w');
  let bytes = 0;
  let chunk: string[] = [ROSTER_HEADER];
  const flush = () => {
    const text = chunk.join('\n') + '\n';
    bytes += writeSync(fd, text);
    chunk = [];
  };
  try {
    for (const p of people) {
      chunk.push(rosterLine(p));
      if (chunk.length >= 10_000) flush();
    }
    if (chunk.length > 0) flush();
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/** Writes an emulator `--seed` JSON array in chunks. Returns bytes written. */
export function writeSeed(file: string, users: Iterable<SeedUser>): number {
  const fd = openSync(file, 'w');
  let bytes = writeSync(fd, '[');
  let first = true;
  let chunk: string[] = [];
  const flush = () => {
    if (chunk.length === 0) return;
    bytes += writeSync(fd, (first ? '' : ',') + chunk.join(','));
    first = false;
    chunk = [];
  };
  try {
    for (const u of users) {
      chunk.push(JSON.stringify(u));
      if (chunk.length >= 10_000) flush();
    }
    flush();
    bytes += writeSync(fd, ']\n');
  } finally {
    closeSync(fd);
  }
  return bytes;
}

export function* range(from: number, to: number): Generator<number> {
  for (let i = from; i < to; i++) yield i;
}

export function* mapIter<T, U>(items: Iterable<T>, f: (t: T) => U): Generator<U> {
  for (const t of items) yield f(t);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [kind, file, n] = process.argv.slice(2);
  const count = Number(n);
  if (!file || !Number.isInteger(count) || (kind !== 'roster' && kind !== 'seed')) {
    process.stderr.write('usage: generate.js roster|seed FILE N\n');
    process.exit(2);
  }
  const people = mapIter(range(0, count), person);
  const bytes =
    kind === 'roster'
      ? writeRoster(file, people)
      : writeSeed(
          file,
          mapIter(people, (p) => seedOf(p)),
        );
  process.stdout.write(`${file}: ${count} ${kind === 'roster' ? 'rows' : 'users'}, ${(bytes / 1e6).toFixed(1)} MB\n`);
}
