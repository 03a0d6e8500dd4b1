import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BUILT_SRC, ROOT } from './paths.js';

/** The SCIM emulator in a process of its own, so what we measure in ours is scim-sync alone. */
export interface EmulatorProcess {
  url: string;
  pid: number;
  /** CPU seconds (user + system) the emulator process has used so far, from /proc. */
  cpuSeconds(): number | undefined;
  stop(): Promise<void>;
}

export interface EmulatorProcessOptions {
  token: string;
  seedFile?: string;
  maxPageSize?: number;
  latencyMs?: number;
  /** e.g. "180/60000" or "off". */
  rateLimit?: string;
}

export async function startEmulatorProcess(options: EmulatorProcessOptions): Promise<EmulatorProcess> {
  const args = [join(BUILT_SRC, 'emulator', 'main.js'), '--port', '0', '--token', options.token, '--rate-limit', options.rateLimit ?? 'off'];
  if (options.seedFile) args.push('--seed', options.seedFile);
  if (options.maxPageSize !== undefined) args.push('--max-page-size', String(options.maxPageSize));
  if (options.latencyMs !== undefined) args.push('--latency-ms', String(options.latencyMs));
  const child = spawn(process.execPath, ['--max-old-space-size=8192', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve(line.trim()));
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}: ${stderr}`)));
  });
  const pid = child.pid!;
  return {
    url,
    pid,
    cpuSeconds: () => procCpuSeconds(pid),
    stop: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** utime + stime of a process in seconds (Linux /proc), or undefined elsewhere. */
export function procCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ", field 3 (state) is index 0; utime is field 14 → index 11, stime → 12.
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

export interface ChildRunResult<T> {
  /** The JSON the child printed as its last stdout line. */
  result: T;
  /** Peak RSS of the child in MB from /usr/bin/time -v, when available. */
  timePeakRssMB?: number;
  /** Wall time as measured by the parent, ms. */
  wallMs: number;
  exitCode: number | null;
  stderr: string;
}

const TIME = '/usr/bin/time';

/**
 * Runs `node script args` in a child (under `/usr/bin/time -v` when present, for an outside view
 * of peak RSS); the child prints its figures as one JSON line on stdout.
 */
export async function runNodeChild<T>(script: string, args: string[], nodeFlags: string[] = []): Promise<ChildRunResult<T>> {
  const useTime = existsSync(TIME);
  const command = useTime ? TIME : process.execPath;
  const argv = useTime ? ['-v', process.execPath, ...nodeFlags, script, ...args] : [...nodeFlags, script, ...args];
  const started = performance.now();
  const child = spawn(command, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exitCode = await new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const wallMs = performance.now() - started;
  const lastLine = stdout.trim().split('\n').pop() ?? '';
  let result: T;
  try {
    result = JSON.parse(lastLine) as T;
  } catch {
    throw new Error(
      `child ${script} ${args.join(' ')} exited ${exitCode} without a JSON result.\nstdout: ${stdout.slice(-2000)}\nstderr: ${stderr.slice(-4000)}`,
    );
  }
  const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  return { result, timePeakRssMB: match ? Number(match[1]) / 1024 : undefined, wallMs, exitCode, stderr };
}

/** Entry point of a benchmark child: runs `main`, exits 0, or prints the stack and exits 1. */
export function runAsChild(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
