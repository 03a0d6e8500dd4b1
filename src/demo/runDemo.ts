/**
 * `npm run demo`: starts the built-in SCIM emulator on 127.0.0.1 with a small team, runs
 * `scim-sync run` against it with config/demo.yaml and config/example-roster.csv, prints the
 * report, then runs once more to show that a second run has nothing to do.
 */
import { fileURLToPath } from 'node:url';
import { runCommand } from '../cli/runCommand.js';
import { startEmulator } from '../emulator/server.js';
import { DEMO_TEAM } from './demoTeam.js';

const DEMO_TOKEN = 'demo-token-not-a-secret';
const config = fileURLToPath(new URL('../../config/demo.yaml', import.meta.url));

const emulator = await startEmulator({ token: DEMO_TOKEN, users: DEMO_TEAM });
process.env.SCIM_BASE_URL = emulator.url;
process.env.SCIM_TOKEN = DEMO_TOKEN;
try {
  process.stdout.write(`Built-in SCIM emulator (behaves like Postman's SCIM API) at ${emulator.url} with ${DEMO_TEAM.length} users.\n\n`);
  process.stdout.write('== First run: scim-sync run --config config/demo.yaml\n');
  const first = await runCommand({ config, dryRun: false, showTable: true });
  process.stdout.write('\n== Second run: the service now matches the roster\n');
  const second = await runCommand({ config, dryRun: false, showTable: true });
  process.stdout.write(`\nDemo finished: first run exit code ${first}, second run exit code ${second}.\n`);
  process.exitCode = first || second;
} finally {
  await emulator.close();
}
