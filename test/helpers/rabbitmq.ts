/**
 * A private RabbitMQ (Debian's rabbitmq-server 3.10 + the rabbitmq_mqtt plugin) for tests:
 * loopback only, free ports for MQTT, MQTT over TLS, AMQP, Erlang distribution and epmd,
 * its own RABBITMQ_* directories and Erlang cookie in a temp dir. Started and stopped by
 * the tests; start takes several seconds (Erlang VM boot), so suites start one and share it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './mosquitto.js';
import { sleep } from './async.js';
import { canConnect } from './ports.js';

const SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';

export function findRabbitmq(): string | undefined {
  if (process.env.RABBITMQ_SERVER && existsSync(process.env.RABBITMQ_SERVER)) return process.env.RABBITMQ_SERVER;
  return existsSync(SERVER) ? SERVER : undefined;
}

export interface RabbitmqOptions {
  /** Files written into the broker's dir before start (certificates). */
  files?: Record<string, string | Uint8Array>;
  /** Extra rabbitmq.conf lines; a function receives the dir and ports. */
  extraConfig?: (b: { dir: string; mqttPort: number; tlsPort: number }) => string[];
}

export interface Rabbitmq {
  readonly host: '127.0.0.1';
  readonly mqttPort: number;
  readonly tlsPort: number;
  readonly dir: string;
  /** Milliseconds from spawn to the MQTT port accepting connections. */
  readonly startMs: number;
  log(): string;
  /** SIGTERM-equivalent (rabbitmqctl stop semantics via SIGTERM), wait for exit. */
  stop(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}



export async function startRabbitmq(options: RabbitmqOptions = {}): Promise<Rabbitmq> {
  const bin = findRabbitmq();
  if (!bin) throw new Error('rabbitmq-server not found');
  const [mqttPort, tlsPort, amqpPort, distPort, epmdPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'microtls-rabbitmq-'));
  for (const sub of ['mnesia', 'log', 'home']) mkdirSync(join(dir, sub));
  for (const [name, content] of Object.entries(options.files ?? {})) writeFileSync(join(dir, name), content);
  writeFileSync(join(dir, 'enabled_plugins'), '[rabbitmq_mqtt].\n');
  const conf = [
    `listeners.tcp.default = 127.0.0.1:${amqpPort}`,
    `mqtt.listeners.tcp.default = 127.0.0.1:${mqttPort}`,
    'mqtt.allow_anonymous = true',
    'mqtt.default_user = guest',
    'mqtt.default_pass = guest',
    'loopback_users = none',
    'log.console = true',
    'log.console.level = info',
    'log.file = false',
    ...(options.extraConfig?.({ dir, mqttPort, tlsPort }) ?? []),
  ];
  writeFileSync(join(dir, 'rabbitmq.conf'), conf.join('\n') + '\n');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: join(dir, 'home'), // the Erlang cookie lives here
    RABBITMQ_NODENAME: `microtls${mqttPort}@localhost`,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(amqpPort),
    RABBITMQ_DIST_PORT: String(distPort),
    ERL_EPMD_PORT: String(epmdPort),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_PID_FILE: join(dir, 'rabbit.pid'),
    RABBITMQ_ALLOW_INPUT: '',
  };
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let log = '';
  let startMs = 0;

  async function start(): Promise<void> {
    if (child) return;
    const t0 = Date.now();
    // detached: its own process group, so stop() ends the VM and the epmd it started.
    const c = spawn(bin!, [], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child = c;
    let gone = false;
    exited = new Promise((resolve) => c.once('exit', () => {
      gone = true;
      if (child === c) child = undefined;
      resolve();
    }));
    c.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    c.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    for (let i = 0; i < 1200 && !gone; i++) {
      if (await canConnect(mqttPort)) {
        startMs = Date.now() - t0;
        return;
      }
      await sleep(50);
    }
    await stop();
    throw new Error(`rabbitmq did not listen on ${mqttPort} within 60 s:\n${log.slice(-3000)}`);
  }

  async function stop(): Promise<void> {
    const c = child;
    if (!c) return;
    try {
      process.kill(-c.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-c.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 15_000);
    await exited;
    clearTimeout(timer);
    // epmd (started by the VM with our ERL_EPMD_PORT) outlives it: end it by its port.
    spawnSync('epmd', ['-kill'], { env, stdio: 'ignore', timeout: 5000 });
  }

  await start();
  return {
    host: '127.0.0.1',
    mqttPort,
    tlsPort,
    dir,
    get startMs() {
      return startMs;
    },
    log: () => log,
    stop,
    start,
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
