import type { SeedUser } from '../emulator/server.js';

/**
 * The team the demo starts from, chosen so that syncing config/example-roster.csv shows every
 * kind of change: Bob's name is out of date, Carol left and came back, Dave is gone from the
 * roster, Erin is "terminated" in it, Ivan's row is broken (so he is left alone), and the admin
 * is protected. Grace, Heidi, Judy, Karl, Liam and Mia are new hires.
 */
export const DEMO_TEAM: SeedUser[] = [
  { userName: 'admin@example.com', givenName: 'Team', familyName: 'Admin' },
  { userName: 'alice.adams@example.com', givenName: 'Alice', familyName: 'Adams', externalId: 'E1001' },
  { userName: 'bob.brown@example.com', givenName: 'Robert', familyName: 'Brown', externalId: 'E1002' },
  { userName: 'carol.chen@example.com', givenName: 'Carol', familyName: 'Chen', externalId: 'E1003', active: false },
  { userName: 'dave.diaz@example.com', givenName: 'Dave', familyName: 'Diaz', externalId: 'E1004' },
  { userName: 'erin.evans@example.com', givenName: 'Erin', familyName: 'Evans', externalId: 'E1005' },
  { userName: 'Frank.Fischer@example.com', givenName: 'Frank', familyName: 'Fischer' },
  { userName: 'ivan.ivanov@example.com', givenName: 'Ivan', familyName: 'Ivanov', externalId: 'E1009' },
];
