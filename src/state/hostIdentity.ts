import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Where a pid means something: the run lock records this next to its pid, and only a lock
 * written under the same identity may be judged by whether its pid is alive.
 *
 * - hostname: tells machines apart (and, by default, containers: each gets its own);
 * - boot id (/proc/sys/kernel/random/boot_id, Linux): a new one after every reboot, so a lock
 *   from before a reboot is never mistaken for one from now, even when the hostname is the same;
 * - pid namespace (/proc/self/ns/pid, Linux): two containers given the same hostname on one host
 *   still have separate pid namespaces, where the same pid names different processes.
 * Parts that don't exist on this system (macOS, Windows) are left out.
 */
export function thisHost(): string {
  cached ??= [
    `host=${hostname()}`,
    part('boot', () => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()),
    part('pidns', () => readlinkSync('/proc/self/ns/pid')),
  ]
    .filter((p) => p !== undefined)
    .join(' ');
  return cached;
}

let cached: string | undefined;

function part(name: string, read: () => string): string | undefined {
  try {
    const value = read().replace(/\s+/g, '');
    return value ? `${name}=${value}` : undefined;
  } catch {
    return undefined;
  }
}
