import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type ProcessResult, runProcess } from '../support/runProcess.js';

/** The shipped CLI: one file bundled by scripts/bundle.mjs, run as users run it (`node dist/scim-sync.js`). */
export const CLI = fileURLToPath(new URL('../../dist/scim-sync.js', import.meta.url));

export type CliResult = ProcessResult;

/** Runs the shipped CLI as a child process; `onSpawn` may send it signals. */
export function runCli(args: string[], env: Record<string, string> = {}, onSpawn?: (child: ChildProcess) => void): Promise<CliResult> {
  return runProcess(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, onSpawn });
}
