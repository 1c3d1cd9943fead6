/** What the report says at its top: machine, Node and OpenSSL versions, date, engine flags. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface MachineInfo {
  date: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  /** The OpenSSL inside Node (what Node's tls and node:crypto run on). */
  nodeOpenssl: string;
  /** The openssl command line tool, when installed. */
  opensslCli: string;
  v8Flags: string[];
}

export function machineInfo(): MachineInfo {
  let cli = 'absent';
  try {
    cli = execFileSync('openssl', ['version'], { encoding: 'utf8', timeout: 5000 }).trim();
  } catch {
    // openssl not installed: reported as absent
  }
  return {
    date: new Date().toISOString(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    nodeOpenssl: process.versions.openssl ?? 'unknown',
    opensslCli: cli,
    v8Flags: process.execArgv.filter((a) => a.startsWith('--') && !a.startsWith('--import')),
  };
}

export function machineLines(m: MachineInfo): string[] {
  return [
    `date ${m.date}`,
    `machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}`,
    `Node ${m.node} (OpenSSL ${m.nodeOpenssl}); ${m.opensslCli}`,
  ];
}

/** True when this process runs with V8's JIT off (node --jitless). */
export const JITLESS = process.execArgv.includes('--jitless');
