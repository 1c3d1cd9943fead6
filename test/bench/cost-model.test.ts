/**
 * The device cost model: predictions are counts times unit costs (checked by hand), the shipped
 * profiles carry a source for their figures, and the replay's counted work is what the
 * recording holds (one RSA-2048 public operation, the fixture's bytes).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { countReplay } from '../../bench/model/count-replay.js';
import type { WorkCounts } from '../../bench/model/count-modes.js';
import { FIXTURE } from '../../bench/model/engine-costs.js';
import { predict } from '../../bench/model/predict.js';
import { loadProfiles, type DeviceProfile } from '../../bench/model/profile.js';
import { loadCalibration, type HostCalibration } from '../../bench/model/host-speed.js';
import { checkJitlessLive, checkLive, withMeasuredCosts, type ModelResults } from '../../bench/model/run-model.js';
import type { EngineMeasurement, MeasuredUnits } from '../../bench/model/engine-costs.js';

const work: WorkCounts = {
  hashBlocks: { sha256: 100, sha384: 10 },
  hashBlocksBuffered: { sha256: 150, sha384: 10 },
  hashCalls: 20,
  hmacCalls: 6,
  hmacKeySetups: 3,
  hashClones: 4,
  hmacClones: 5,
  aesBlocks: 8,
  aesKeySetups: 2,
  aeadCalls: 3,
  ghashBlocks: 12,
  modMul: { '2048': 17, '512': 100 },
  bytesSent: 400,
  bytesReceived: 1600,
  roundTrips: 2,
  certificateBytes: 900,
  resumed: false,
};

const profile: DeviceProfile = {
  id: 't', short: 't', name: 't', description: '', hashing: 'streaming',
  accelerators: { hash: true, aes: false, publicKey: false },
  costsUs: {
    sha1Block: { software: 9, accelerated: 1 }, sha256Block: { software: 10, accelerated: 2 }, sha512Block: { software: 30 },
    hashCall: 5, hmacCall: 7, hmacKeySetup: 11, hashClone: 13, hmacClone: 17,
    aesBlock: { software: 4, accelerated: 1 }, aesKeySetup: 50, aeadCall: 19, ghashBlock: 3,
    modMul: { '1024': 1000 }, protocolPerByte: 0.5, certificatePerByte: 2, perHandshake: 700,
  },
  link: { rttMs: 10, kbps: 8000, serverFullMs: 3, serverResumedMs: 1 },
  sources: [],
};

test('a prediction is the counted work times the unit costs, part by part', () => {
  const p = predict(work, profile);
  // hash: 100 accelerated SHA-256 blocks x 2 + 10 SHA-384 blocks in software x 30 (no accelerated figure) + 20 digests x 5,
  // and the fixed costs: 6 HMAC digests x 7, 3 HMAC keyings x 11, 4 hash copies x 13, 5 HMAC copies x 17
  const fixedHash = 6 * 7 + 3 * 11 + 4 * 13 + 5 * 17;
  assert.is(p.parts.hash, (100 * 2 + 10 * 30 + 20 * 5 + fixedHash) / 1000);
  // AES in software (no AES accelerator): 8 x 4, key set-ups 2 x 50, 3 AEAD calls x 19, GHASH 12 x 3
  assert.is(p.parts.aes, (8 * 4 + 2 * 50 + 3 * 19 + 12 * 3) / 1000);
  // products scale with the square of the size from the nearest known one: 2048 -> 4 x, 512 -> 1/4 x
  assert.is(p.parts.publicKey, (17 * 4000 + 100 * 250) / 1000);
  assert.is(p.parts.protocol, (2000 * 0.5 + 900 * 2 + 700) / 1000);
  // two round trips, 16000 bits at 8000 kbit/s, the server's full handshake
  assert.is(p.parts.link, 2 * 10 + 2 + 3);
  assert.ok(Math.abs(p.totalMs - (p.parts.hash + p.parts.aes + p.parts.publicKey + p.parts.protocol + p.parts.link)) < 1e-9);
});

test('a cold verification pays the cold check on top of a reconnect\'s check; a warm one does not', () => {
  const costs = { ...profile.costsUs, verifyCall: 300, verifierBuild: 40, coldVerifyCall: 900 };
  const p = { ...profile, costsUs: costs };
  const warm = predict({ ...work, verifications: 1, verifierBuilds: 1 }, p).parts.protocol;
  const cold = predict({ ...work, verifications: 1, verifierBuilds: 1, coldVerifications: 1 }, p).parts.protocol;
  const none = predict(work, p).parts.protocol;
  assert.is(Math.round((warm - none) * 1000), 340);
  assert.is(Math.round((cold - warm) * 1000), 900);
  // A profile without the unit (the reference MCU's) costs it as nothing.
  assert.is(predict({ ...work, verifications: 1, verifierBuilds: 1, coldVerifications: 1 }, profile).parts.protocol, predict(work, profile).parts.protocol);
});

test('the products are those of the profile\'s backend; inversions, public-call and key-loading costs add where the profile has them', () => {
  const w: WorkCounts = { ...work, modMulLimb: { '2048': 19, '512': 300 }, modInverse: { '2048': 1 }, rsaPublicCalls: 2, keyImports: { '1024': 1 } };
  // Without those costs: the BigInt schedule's products only (as above).
  assert.is(predict(w, profile).parts.publicKey, (17 * 4000 + 100 * 250) / 1000);
  const costly: DeviceProfile = { ...profile, costsUs: { ...profile.costsUs, modInverse: { '2048': 600 }, rsaPublicCall: 40, keyImport: { '2048': 800 } } };
  // + 1 inversion x 600, 2 public calls x 40, a 1024-bit key loaded (scaled from 2048: x 1/4 of 800).
  assert.is(predict(w, costly).parts.publicKey, (17 * 4000 + 100 * 250 + 600 + 2 * 40 + 200) / 1000);
  // The limb backend: its own products, and no BigInt inversions (its are Fermat products, counted in them).
  const limb: DeviceProfile = { ...costly, bigIntBackend: 'limb' };
  assert.is(predict(w, limb).parts.publicKey, (19 * 4000 + 300 * 250 + 2 * 40 + 200) / 1000);
});

test('a verified chain adds the verification\'s fixed work to the protocol part where the profile has its cost', () => {
  const base = predict(work, profile).parts.protocol;
  assert.is(predict({ ...work, verifications: 1 }, profile).parts.protocol, base, 'no cost in the profile: nothing added');
  const v: DeviceProfile = { ...profile, costsUs: { ...profile.costsUs, verifyCall: 450 } };
  assert.is(predict({ ...work, verifications: 1 }, v).parts.protocol, base + 0.45);
  assert.is(predict({ ...work, verifications: 0 }, v).parts.protocol, base);
});

test('each connection that verifies pays its verifier\'s build, a resumption with no chain checked too', () => {
  const base = predict({ ...work, resumed: true }, profile).parts.protocol;
  const v: DeviceProfile = { ...profile, costsUs: { ...profile.costsUs, verifyCall: 450, verifierBuild: 300 } };
  assert.is(predict({ ...work, resumed: true, verifications: 0, verifierBuilds: 1 }, v).parts.protocol, base + 0.3);
  assert.is(predict({ ...work, resumed: true, verifications: 0, verifierBuilds: 0 }, v).parts.protocol, base);
  assert.is(predict({ ...work, resumed: true, verifierBuilds: 1 }, profile).parts.protocol, base, 'no cost in the profile: nothing added');
});

test('a buffered-hash profile pays each digest\'s whole input; a resumed handshake the resumed server time', () => {
  const buffered = predict({ ...work, resumed: true }, { ...profile, hashing: 'buffered', accelerators: { hash: false, aes: false, publicKey: false } });
  assert.is(buffered.parts.hash, (150 * 10 + 10 * 30 + 20 * 5 + 6 * 7 + 3 * 11 + 4 * 13 + 5 * 17) / 1000);
  assert.is(buffered.parts.link, 2 * 10 + 2 + 1);
});

test('every shipped profile has unit costs, a link, and a source per figure it cites', () => {
  const profiles = loadProfiles();
  assert.equal(profiles.map((p) => p.id), ['reference-mcu', 'esp32-xs', 'esp32-espruino']);
  for (const p of profiles) {
    assert.ok(p.sources.length >= 3, `${p.id}: sources`);
    for (const s of p.sources) assert.ok(s.figure && s.value && s.source, `${p.id}: ${JSON.stringify(s)}`);
    assert.ok(p.link.rttMs > 0 && p.link.kbps > 0, `${p.id}: link`);
    for (const bits of ['1024', '2048']) assert.ok((p.costsUs.modMul[bits] ?? 0) > 0 || p.engine !== undefined, `${p.id}: modMul ${bits}`);
  }
  const ref = profiles[0]!;
  assert.equal(ref.accelerators, { hash: true, aes: true, publicKey: false }, 'the reference device: hash and AES engines, no public-key engine');
  assert.ok(ref.costsUs.sha256Block.accelerated! < ref.costsUs.sha256Block.software);
  for (const p of profiles.slice(1)) {
    assert.ok(p.engine && p.cpuRatio && p.cpuRatio.value > 1 && p.cpuRatio.basis.includes('CoreMark'), `${p.id}: engine and a cited CPU ratio`);
  }
});

const units = (k: number): MeasuredUnits => ({
  sha1Block: 5 * k, sha256Block: 7 * k, sha512Block: 11 * k, hashCall: 13 * k, hashClone: 3 * k, hmacCall: 17 * k, hmacKeySetup: 19 * k,
  hmacClone: 2 * k, aesBlock: 23 * k, aesKeySetup: 29 * k, aeadCall: 31 * k, ghashBlock: 37 * k, modMul: { '2048': 4000 * k },
  certificatePerByte: 0.5 * k, protocolPerByte: 0.25 * k, perHandshake: 0,
} as MeasuredUnits);

test('a live row is scaled by the machine\'s speed while its own mode ran, where the bench timed the kernel per mode', () => {
  const m: EngineMeasurement = { engine: 'xsnap', units: units(1), kernelUs: 0.1, notes: [] };
  const r = { measurements: [m], counts: { none: work, verify: work }, countsWarm: {} } as unknown as ModelResults;
  const rows = [
    { engine: 'xsnap', case: 'handshake, no verification: engine busy', value: 10, unit: 'ms', kernelUs: 0.2 },
    { engine: 'xsnap', case: 'handshake, verification: engine busy', value: 10, unit: 'ms' },
    { engine: 'xsnap', case: 'reference kernel between the live handshakes: engine busy', value: 0.15, unit: 'us' },
  ];
  const [none, verify] = checkLive(r, { rows });
  assert.ok(Math.abs(none!.speedFactor! - 2) < 1e-9, 'its own mode\'s kernel: twice the probes\'');
  assert.ok(Math.abs(verify!.speedFactor! - 1.5) < 1e-9, 'no kernel of its own: the run\'s');
  const unscaled = (c: typeof none) => (c!.unscaledError! + 1) * c!.measuredMs!;
  assert.ok(Math.abs(none!.predictedMs - 2 * unscaled(none)) < 1e-9 && Math.abs(verify!.predictedMs - 1.5 * unscaled(verify)) < 1e-9);
  // With the same-shape transport measured live, only the engine's part is scaled.
  const liveCounts = { none: { ...work, cipherSuite: 'TLS_RSA_WITH_AES_256_GCM_SHA384' } } as unknown as Parameters<typeof checkLive>[1]['liveCounts'];
  const withTransport = [rows[0]!, { engine: 'xsnap', case: 'transport, TCP only (no TLS), shaped like no verification, 2 round trips, 2000 bytes: engine busy', value: 0.7, unit: 'ms' }];
  const [t] = checkLive(r, { rows: withTransport, liveCounts });
  assert.ok(Math.abs(t!.predictedMs - (2 * (unscaled(t) - 0.7) + 0.7)) < 1e-9, `${t!.predictedMs}: engine x 2 + 0.7 ms transport`);
  assert.ok(t!.what.includes('+ 0.70 ms transport'), t!.what);
});

test('the handshake section\'s --jitless rows are scaled by the kernel timed in that section, against the probes\'', () => {
  const m: EngineMeasurement = { engine: 'node --jitless', units: units(1), kernelUs: 0.03, notes: [] };
  const r = { measurements: [m], counts: { none: work, verify: work }, countsWarm: {} } as unknown as ModelResults;
  const rows = (cpu: number) => [{ client: 'microtls (noble provider)', cpuMedian: cpu }, { client: 'TCP only, 2 round trips (no TLS)', cpuMedian: 0.5 }];
  const [slow, plain] = checkJitlessLive(r, [{ id: 'none', rows: rows(10), kernelUs: 0.045 }, { id: 'none', rows: rows(10) }]);
  assert.ok(Math.abs(slow!.speedFactor! - 1.5) < 1e-9);
  assert.is(plain!.speedFactor, undefined, 'no kernel timed: no scaling');
  // The engine's work is scaled; the socket work, measured in the section itself, is not.
  assert.ok(Math.abs(slow!.predictedMs - 0.5 - 1.5 * (plain!.predictedMs - 0.5)) < 1e-9, `${slow!.predictedMs} vs ${plain!.predictedMs}`);
});

test('an engine profile\'s device costs do not depend on how fast the development machine ran: its kernel gives the run\'s CoreMark', () => {
  const cal: HostCalibration = { coremark: 40000, coremarkRuns: [40000], coremarkBuild: 't', kernelUs: { espruino: 2.5 }, measuredAt: 't', machine: 't' };
  const run = (k: number, kernelUs: number): EngineMeasurement => ({ engine: 'espruino', units: units(k), kernelUs, notes: [] });
  const esp = loadProfiles().find((p) => p.id === 'esp32-espruino')!;
  assert.ok(esp.cpuRatio?.deviceCoreMark, 'the profile names the device\'s CoreMark');
  // The calibration's own speed: CoreMark 40,000 over the device's.
  const atCal = withMeasuredCosts(esp, [run(1, 2.5)], 'd', cal);
  assert.ok(Math.abs(atCal.cpuRatio!.value - 40000 / esp.cpuRatio!.deviceCoreMark!) < 1e-9);
  assert.ok(Math.abs(atCal.costsUs.sha256Block.software - 7 * atCal.cpuRatio!.value) < 1e-9);
  // A machine twice as fast: every cost and the kernel halved, the same device costs.
  const fast = withMeasuredCosts(esp, [run(0.5, 1.25)], 'd', cal);
  assert.ok(Math.abs(fast.cpuRatio!.hostCoreMark! - 80000) < 1e-6, String(fast.cpuRatio!.hostCoreMark));
  for (const [a, b] of [[fast.costsUs.sha256Block.software, atCal.costsUs.sha256Block.software], [fast.costsUs.modMul['2048']!, atCal.costsUs.modMul['2048']!], [fast.costsUs.hmacKeySetup, atCal.costsUs.hmacKeySetup]]) {
    assert.ok(Math.abs(a! / b! - 1) < 1e-9, `${a} vs ${b}`);
  }
  // An engine the calibration does not hold keeps the profile's stored ratio.
  const none = withMeasuredCosts(esp, [run(1, 2.5)], 'd', { ...cal, kernelUs: {} });
  assert.is(none.cpuRatio!.value, esp.cpuRatio!.value);
  assert.is(none.cpuRatio!.hostCoreMark, undefined, 'no CoreMark claimed for this run: the stored one was another run\'s');
  assert.is(withMeasuredCosts(esp, [run(1, 2.5)], 'd', null).cpuRatio!.value, esp.cpuRatio!.value, 'no calibration at all');
});

test('the shipped calibration holds a CoreMark and a kernel time for each engine profile\'s engine', () => {
  const cal = loadCalibration();
  assert.ok(cal, 'bench/model/host-calibration.json');
  assert.ok(cal!.coremark > 1000 && cal!.coremarkRuns.length >= 3, JSON.stringify(cal));
  for (const p of loadProfiles().filter((x) => x.engine)) assert.ok((cal!.kernelUs[p.engine!] ?? 0) > 0, `${p.id}: kernel for ${p.engine}`);
});

test('the replay the engines time: one RSA-2048 public operation, the recording\'s bytes, no round trips', () => {
  const w = countReplay();
  const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { flow: { dir: string; hex: string }[] };
  const bytes = (dir: string) => fixture.flow.filter((x) => x.dir === dir).reduce((n, x) => n + x.hex.length / 2, 0);
  assert.equal(w.modMul, { '2048': 17 });
  assert.is(w.bytesSent, bytes('client'));
  assert.is(w.bytesReceived, bytes('server'));
  assert.is(w.roundTrips, 0);
  assert.ok(w.hashBlocks.sha256! > 40 && w.hashBlocks.sha256! < w.hashBlocksBuffered.sha256!, JSON.stringify(w.hashBlocks));
  assert.is(w.certificateBytes, 0, 'without verification no certificate is parsed in full (the leaf is walked to its key)');
  assert.is(w.aesKeySetups, 2, 'one GCM key each way');
  // Finished, the echo and close_notify each way: six AEAD calls; the PRF keys its HMACs once per call and copies them.
  assert.is(w.aeadCalls, 6);
  assert.ok(w.hmacKeySetups >= 3 && w.hmacClones > w.hmacKeySetups && w.hmacCalls > 0, JSON.stringify(w));
  assert.ok(w.hashClones >= 3, 'the transcript is copied for each digest (EMS, two Finished)');
});

test.run();
