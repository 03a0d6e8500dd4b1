import { execFileSync } from 'node:child_process';

/**
 * CLI tests run the shipped `dist/scim-sync.js`, exactly as users do; build it once first, as
 * `npm run build` does: tsc emits dist/ (other tests load single modules from it), then
 * scripts/bundle.mjs bundles the CLI into one file.
 * SCIM_SYNC_SKIP_BUILD=1 skips it when iterating on tests that don't spawn the CLI.
 */
export default function setup(): void {
  if (process.env.SCIM_SYNC_SKIP_BUILD === '1') return;
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/bundle.mjs'], { stdio: 'inherit' });
}
