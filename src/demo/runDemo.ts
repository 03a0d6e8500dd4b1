/**
 * `npm run demo`: starts the built-in SCIM emulator on 127.0.0.1 with the team in
 * config/demo-team.json, runs `scim-sync run` against it with config/demo.yaml and
 * config/example-roster.csv, prints the report, then runs once more to show that a second run
 * has nothing to do.
 *
 * The team is chosen so that the sync shows every kind of change: Bob's name is out of date,
 * Carol left and came back, Dave is gone from the roster, Erin is "terminated" in it, Nina's last
 * day has passed though her status still says active, Ivan's row is broken (so he is left alone),
 * the admin is protected, six people are new hires, and Omar starts in 2031 (he is pending). A
 * deploy bot in another domain (ci.example.net) is not in the roster and not in `protect`: it is
 * unmanaged (sync.manage), so both runs leave it alone and the summary says so.
 *
 * Groups (config/demo-groups.json): departments become groups. "Dept - Engineering" was made by
 * hand with Alice and Bob in it; it is adopted, Bob (now in Sales) is moved out of it and into the
 * new "Dept - Sales", and the new hires join their departments' groups. "Admins" is left alone.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../cli/runCommand.js';
import { type SeedGroup, type SeedUser, startEmulator } from '../emulator/server.js';

const configDir = new URL('../../config/', import.meta.url);
const token = readFileSync(new URL('demo-token', configDir), 'utf8').trim();
const team = JSON.parse(readFileSync(new URL('demo-team.json', configDir), 'utf8')) as SeedUser[];
const groups = JSON.parse(readFileSync(new URL('demo-groups.json', configDir), 'utf8')) as SeedGroup[];
const config = fileURLToPath(new URL('demo.yaml', configDir));

const emulator = await startEmulator({ token, users: team, groups });
process.env.SCIM_BASE_URL = emulator.url;
process.env.SCIM_TOKEN = token;
try {
  process.stdout.write(
    `Built-in SCIM emulator (behaves like Postman's SCIM API) at ${emulator.url} with ${team.length} users and ${groups.length} groups made by hand.\n\n`,
  );
  process.stdout.write('== First run: scim-sync run --config config/demo.yaml\n');
  const first = await runCommand({ config, dryRun: false, showTable: true });
  process.stdout.write('\n== Second run: the service now matches the roster\n');
  const second = await runCommand({ config, dryRun: false, showTable: true });
  process.stdout.write(`\nDemo finished: first run exit code ${first}, second run exit code ${second}.\n`);
  process.exitCode = first || second;
} finally {
  await emulator.close();
}
