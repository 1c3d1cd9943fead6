/**
 * Regression: `npm start` interrupted (Ctrl-C, or SIGTERM from a supervisor) must not leave its
 * private mosquitto running on loopback, nor its temp dir with the server's private key.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mosquittoAvailable } from '../helpers/mosquitto.js';
import { canConnect } from '../helpers/ports.js';

const available = mosquittoAvailable('demo interrupt');


function childrenOf(pid: number): number[] {
  const path = `/proc/${pid}/task/${pid}/children`;
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number) : [];
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  (available ? test : test.skip)(`${signal} during the demo stops the broker it started and exits non-zero${available ? '' : ' (mosquitto is not installed: apt-get install mosquitto)'}`, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join('demo', 'main.ts')], {
      env: { ...process.env, DEMO_ROUNDS: '200' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    let brokerPids: number[] = [];
    try {
      const deadline = Date.now() + 30_000;
      let m: RegExpExecArray | null = null;
      while (!(m = /broker: mosquitto .* TLS port (\d+)/.exec(out))) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`demo did not start its broker:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const port = Number(m[1]);
      brokerPids = childrenOf(child.pid!);
      assert.ok(await canConnect(port), 'broker up');
      child.kill(signal);
      const code = await exited;
      assert.is.not(code, 0, `exit code after ${signal}\n${out}`);
      let stillUp = true;
      for (let i = 0; i < 60 && stillUp; i++) {
        stillUp = await canConnect(port);
        if (stillUp) await new Promise((r) => setTimeout(r, 50));
      }
      assert.not.ok(stillUp, `mosquitto still listening on ${port} after the demo got ${signal}`);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      // Clean up what a failing demo left behind: the broker process it spawned, by its id.
      for (const pid of brokerPids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  });
}

test.run();
