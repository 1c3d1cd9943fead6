/**
 * The Espruino bundle as built (no engine needed): what it contains and what it leaves out,
 * and that it loads and works as a CommonJS module and as a plain script, here in Node with
 * a stand-in of Espruino's crypto module and `E` (the engine itself is test/device/espruino-*).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { completeProvider, nobleProvider } from '../../hw/index.js';
import { toHex } from '../../src/encoding/bytes.js';
import { createEspruinoStandIn } from '../hw/espruino-standin.js';
import { espruinoBuild } from '../helpers/espruino.js';

type Api = Record<string, any>;

function load(asModule: boolean): { api: Api; standIn: ReturnType<typeof createEspruinoStandIn> } {
  const standIn = createEspruinoStandIn();
  const E = { hwRand: () => 0x12345678, toString: (b: Uint8Array) => String.fromCharCode(...b), toUint8Array: (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0)) };
  // The context's own builtins: the bundle patches typed-array prototypes, which must not reach this process's.
  const sandbox: Record<string, unknown> = {
    E, setTimeout, clearTimeout,
    require: (name: string) => {
      if (name === 'crypto') return standIn;
      throw new Error(`module ${name} not in this sandbox`);
    },
  };
  const module = { exports: {} as Api };
  if (asModule) sandbox.module = module;
  runInNewContext(code, sandbox);
  return { api: asModule ? module.exports : (sandbox.microtls as Api), standIn };
}

let code = '';
let inputs: string[] = [];

test.before(async () => {
  const b = await espruinoBuild();
  code = readFileSync(b.path, 'utf8');
  inputs = b.inputs;
});

test('nothing from @noble or asn1js, no BigInt, the limb backend instead', () => {
  assert.equal(inputs.filter((p) => /node_modules\/(@noble|asn1js|@peculiar)/.test(p)), []);
  assert.ok(inputs.some((p) => /src\/device\/absent-der-ber\.ts$/.test(p)), 'the asn1js fallback is replaced by a refusal');
  assert.not.ok(inputs.some((p) => /src\/crypto\/bigint\.ts$/.test(p)), 'the BigInt backend is left out');
  assert.ok(inputs.some((p) => /src\/crypto\/backend-limb\.ts$/.test(p)), 'the limb backend is in');
  assert.not.match(code, /\bBigInt\b|\d+n\b(?![a-z])/);
  assert.match(code, /\.exports=/);
  // Espruino's module scope is cut off the wrapper (scripts/build-device.mjs): one scope per function, not two.
  // (terser writes the wrapper's call as `!function(f){…}(…)`; no name of its own at the top level, which would be a global.)
  assert.match(code, /^[(!]function\([\w$]+\)\{delete [\w$]+\["\\xffsco"\]/);
});

test('as a module it fills module.exports; as a script it sets the global microtls', () => {
  const m = load(true).api;
  const g = load(false).api;
  for (const api of [m, g]) {
    for (const name of ['TlsClient', 'verifyChain', 'describeCertificate', 'MqttClient', 'connect', 'connectMqtt', 'ERROR_CODES', 'MicroTlsError', 'syncClock', 'prf']) {
      assert.ok(api[name] !== undefined, `exports ${name}`);
    }
  }
  assert.is(m.describeError(-0x7780).name, 'MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE');
  assert.is(m.errorCode('X509_CERT_VERIFY_FAILED'), -0x2700);
  assert.is(m.ERROR_CODES.get(-0x2700).name, 'MBEDTLS_ERR_X509_CERT_VERIFY_FAILED');
});

test('the default provider is the firmware one: native SHA and AES, GCM built on native ECB', () => {
  const { api, standIn } = load(true);
  const p = api.getDefaultProvider();
  assert.is(p.name, 'espruino');
  const data = new Uint8Array(100).fill(7);
  assert.is(toHex(api.digest(p, 'sha256', data)), createHash('sha256').update(data).digest('hex'));
  assert.ok((standIn.calls.SHA256 ?? 0) >= 1);
  const key = new Uint8Array(16).fill(3);
  const sealed = p.aesGcm(key).seal(new Uint8Array(12), data, new Uint8Array(13));
  assert.is(toHex(sealed), toHex(completeProvider(nobleProvider).aesGcm(key).seal(new Uint8Array(12), data, new Uint8Array(13))));
  assert.ok((standIn.calls['AES.encrypt.ECB'] ?? 0) >= 2);
});

test.run();
