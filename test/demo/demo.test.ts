/**
 * The main job (`npm start`) end to end, with both of its brokers: mosquitto (the binary
 * CI installs) and the in-process aedes fallback a fresh machine without mosquitto gets.
 * Every device mode must publish and receive its message, and the table must be printed: the
 * device's figure, the cost model's prediction per device profile, the desktop measurements.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { join } from 'node:path';

function runDemo(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join('demo', 'main.ts')], { env: { ...process.env, DEMO_ROUNDS: '1', ...env }, timeout: 120_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: stdout + stderr }));
  });
}

for (const broker of ['mosquitto', 'aedes'] as const) {
  test(`npm start with ${broker}: every device mode connects, publishes and receives`, async () => {
    const { code, out } = await runDemo(broker === 'aedes' ? { DEMO_BROKER: 'aedes' } : {});
    assert.is(code, 0, out);
    assert.match(out, broker === 'aedes' ? /broker: aedes/ : /broker: mosquitto/);
    for (const mode of ['without certificate verification', 'with certificate verification', 'client certificate (1024 bit)',
      'client certificate (2048 bit)', 'session ticket resumption']) {
      const row = out.split('\n').find((l) => l.startsWith(mode));
      assert.ok(row, `row for ${mode}\n${out}`);
      assert.match(row!, /\d+\.\d+\s+\d+\.\d+\s+\d+\.\d+x\s+ok$/, row);
      // device ms, then one model prediction per device profile, then the desktop figures
      const cells = row!.slice(mode.length).trim().split(/\s{2,}/);
      assert.is(cells.length, 1 + 3 + 4, row);
      for (const c of cells.slice(1, 4)) assert.match(c, /^\d+(\.\d+)?( s)?$/, `model cell in ${row}`);
    }
    assert.match(out, /model ref\. MCU\s+model ESP32 XS\s+model ESP32 Espruino\s+microtls ms\s+Node tls ms/);
    assert.match(out, /a MODEL, not a measurement/);
    assert.match(out, /Status codes after connecting with the wrong CA certificate: -0x2700 MBEDTLS_ERR_X509_CERT_VERIFY_FAILED/);
    assert.match(out, /Private key\s+Name: RSA \(2048 bit\)/);
  });
}

test.run();
