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

/** A finished child process, with what `/usr/bin/time -v` saw of it (when it is installed). */
export interface MeasuredProcess {
  stdout: string;
  /** The child's stderr, without time's report. */
  stderr: string;
  exitCode: number | null;
  /** Wall time as measured by the parent, ms. */
  wallMs: number;
  /** Peak RSS of the child in MB from /usr/bin/time -v. */
  timePeakRssMB?: number;
  /** CPU (user + system, all threads) of the child's whole life in ms, from /usr/bin/time -v (10 ms steps). */
  timeCpuMs?: number;
}

export interface ChildRunResult<T> extends MeasuredProcess {
  /** The JSON the child printed as its last stdout line. */
  result: T;
}

const TIME = '/usr/bin/time';

/** Whether children can be measured from outside (`apt-get install time` provides /usr/bin/time). */
export const canMeasureFromOutside = (): boolean => existsSync(TIME);

/**
 * Runs `node [nodeFlags] script args` to its end (under `/usr/bin/time -v` when present, for an
 * outside view of its peak RSS and CPU), collecting its output.
 */
export async function runMeasured(script: string, args: string[], options: { nodeFlags?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<MeasuredProcess> {
  const nodeArgv = [...(options.nodeFlags ?? []), script, ...args];
  const useTime = canMeasureFromOutside();
  const command = useTime ? TIME : process.execPath;
  const argv = useTime ? ['-v', process.execPath, ...nodeArgv] : nodeArgv;
  const started = performance.now();
  const child = spawn(command, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exitCode = await new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const wallMs = performance.now() - started;
  // time -v appends its report to the child's stderr, starting with this line.
  const report = useTime ? stderr.lastIndexOf('\tCommand being timed:') : -1;
  const timeReport = report < 0 ? '' : stderr.slice(report);
  const seconds = (label: string) => {
    const match = new RegExp(`${label} \\(seconds\\): ([\\d.]+)`).exec(timeReport);
    return match ? Number(match[1]) : undefined;
  };
  const peak = /Maximum resident set size \(kbytes\): (\d+)/.exec(timeReport);
  const user = seconds('User time');
  const system = seconds('System time');
  return {
    stdout,
    stderr: report < 0 ? stderr : stderr.slice(0, report),
    exitCode,
    wallMs,
    timePeakRssMB: peak ? Number(peak[1]) / 1024 : undefined,
    timeCpuMs: user === undefined || system === undefined ? undefined : (user + system) * 1000,
  };
}

/** Runs a bench child (see runMeasured); the child prints its figures as one JSON line on stdout. */
export async function runNodeChild<T>(script: string, args: string[], nodeFlags: string[] = []): Promise<ChildRunResult<T>> {
  const run = await runMeasured(script, args, { nodeFlags });
  const lastLine = run.stdout.trim().split('\n').pop() ?? '';
  let result: T;
  try {
    result = JSON.parse(lastLine) as T;
  } catch {
    throw new Error(
      `child ${script} ${args.join(' ')} exited ${run.exitCode} without a JSON result.\nstdout: ${run.stdout.slice(-2000)}\nstderr: ${run.stderr.slice(-4000)}`,
    );
  }
  return { ...run, result };
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
