import { fileURLToPath } from 'node:url';
import { type ProcessResult, runProcess } from './runProcess.js';

const CLI = fileURLToPath(new URL('../../dist/scim-sync.js', import.meta.url));

/** Quotes one argument for `sh -c`. */
const shellQuote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

/**
 * Runs the shipped CLI (the bundle) inside a pseudo-terminal made by util-linux `script`, so stdout and
 * stderr are both a TTY, as for an admin at a shell. The result's `stdout` is everything the
 * terminal showed (both streams, in order, CRLF line ends and escape sequences as sent).
 */
export function runCliInTerminal(args: string[], env: Record<string, string> = {}): Promise<ProcessResult> {
  const command = [process.execPath, CLI, ...args].map(shellQuote).join(' ');
  return runProcess('script', ['-qec', command, '/dev/null'], { env: { PATH: process.env.PATH ?? '', TERM: 'xterm', ...env } });
}

/** The terminal's text without colour codes and with plain line ends, for assertions on words. */
export function plainText(terminal: string): string {
  // eslint-disable-next-line no-control-regex
  return terminal.replace(/\x1b\[[0-9;]*m/g, '').replace(/\r\n/g, '\n');
}
