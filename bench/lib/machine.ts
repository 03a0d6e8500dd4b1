import { cpus, freemem, platform, release, totalmem, arch } from 'node:os';

export interface MachineDescription {
  date: string;
  os: string;
  cpuModel: string;
  cpuCount: number;
  totalMemoryMB: number;
  freeMemoryMB: number;
  node: string;
}

export function describeMachine(): MachineDescription {
  const list = cpus();
  return {
    date: new Date().toISOString(),
    os: `${platform()} ${release()} ${arch()}`,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpuCount: list.length,
    totalMemoryMB: Math.round(totalmem() / 2 ** 20),
    freeMemoryMB: Math.round(freemem() / 2 ** 20),
    node: process.version,
  };
}
