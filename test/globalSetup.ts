import { execFileSync } from 'node:child_process';

/** CLI tests run the compiled `dist/cli/main.js`, exactly as users do; build it once first. */
export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
}
