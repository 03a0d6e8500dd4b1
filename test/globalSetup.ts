import { execFileSync } from 'node:child_process';

/**
 * CLI tests run the compiled `dist/cli/main.js`, exactly as users do; build it once first.
 * SCIM_SYNC_SKIP_BUILD=1 skips it when iterating on tests that don't spawn the CLI.
 */
export default function setup(): void {
  if (process.env.SCIM_SYNC_SKIP_BUILD === '1') return;
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
}
