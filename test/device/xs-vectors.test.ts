/**
 * Published vectors inside the engines, through the XS bundle (the file a user flashes) and
 * its provider: Wycheproof HMAC-SHA1/256/384/512, AES-GCM and AES-CCM at TLS's sizes (12-byte
 * nonces, 16- and 8-byte tags), AES-CBC, ECDSA P-256/384/521 (DER signatures), and the hash
 * examples of RFC 1321 (MD5) and FIPS 180-4 (SHA-1/224/256/384/512) with node:crypto's digests
 * of longer messages, and the x509-limbo chains, in xst (XS 17.9.1; ../shared/engines/xst or XST=) and xsnap (XS 13.3,
 * the worker npm ci builds). ECDSA: every case that the DER parse refuses, and every 6th of the
 * others (each file's full run on the same code is test/crypto/ecdsa-bigint.test.ts), so each
 * engine stays within seconds. x509-limbo: every case through the bundle's verifyChain (WEBPKI
 * policy), whose verdict (accepted, or the verify flags) must be the one Node reaches with noble's
 * ECDSA: key import and chain checks on ecdsa-bigint.ts end to end (xst only, see below). Skipped, with the reason,
 * where an engine is absent.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { HashName } from '../../hw/index.js';
import { derToCompact } from '../../src/crypto/ecdsa.js';
import { parseSubjectPublicKeyInfo } from '../../src/crypto/keys.js';
import { fromHex, toHex } from '../../src/encoding/bytes.js';
import { verifyChain } from '../../src/x509/verify.js';
import { WEBPKI_POLICY } from '../../src/x509/policy.js';
import { findXsnap, findXst, REPO_ROOT } from '../helpers/engines.js';
import { XsnapWorker } from '../helpers/xsnap.js';
import { loadWycheproof, wycheproofCases, type AeadGroup, type IndCpaGroup, type MacGroup, type WycheproofGroup, type WycheproofTest } from '../vectors/wycheproof.js';
import { writeXsBundle } from './xs-bundle.js';

interface Case { id: string; v: unknown[] }
type Family = 'hash' | 'hmac' | 'aead' | 'cbc' | 'ecdsa' | 'x509';
interface EcTest extends WycheproofTest { msg: string; sig: string }
interface EcGroup extends WycheproofGroup<EcTest> { sha: string; publicKeyDer: string }
interface LimboCase {
  id: string;
  validation_kind: 'SERVER' | 'CLIENT';
  trusted_certs: string[];
  untrusted_intermediates: string[];
  peer_certificate: string;
  validation_time: string | null;
  expected_peer_name: { value: string } | null;
  max_chain_depth: number | null;
}

const SHA: Record<string, HashName> = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const SIZE: Record<string, number> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };
const VECTORS = join(dirname(fileURLToPath(import.meta.url)), '../vectors/wycheproof');
const hexOf = (s: string): string => Buffer.from(s, 'latin1').toString('hex');

function cases(): Record<Family, { list: Case[] }> {
  const hash: Case[] = [];
  const known: [HashName, string, string][] = [
    ['md5', '', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['md5', 'message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['md5', '12345678901234567890123456789012345678901234567890123456789012345678901234567890', '57edf4a22be3c955ac49da2e2107b67a'],
    ['sha1', 'abc', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    ['sha1', 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '84983e441c3bd26ebaae4aa1f95129e5e54670f1'],
    ['sha224', 'abc', '23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7'],
    ['sha256', 'abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['sha384', 'abc', 'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7'],
    ['sha512', 'abc', 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f'],
  ];
  for (const [alg, msg, want] of known) hash.push({ id: `${alg} "${msg.slice(0, 12)}"`, v: [alg, hexOf(msg), want] });
  // Every length that crosses a block or a padding boundary, against node:crypto.
  for (const alg of ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as HashName[]) {
    for (const n of [55, 56, 63, 64, 111, 112, 127, 128, 1000]) {
      const msg = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 255);
      hash.push({ id: `${alg} ${n} bytes`, v: [alg, toHex(msg), createHash(alg).update(msg).digest('hex')] });
    }
  }

  const hmac: Case[] = [];
  for (const [file, alg] of [['hmac_sha1_test.json', 'sha1'], ['hmac_sha256_test.json', 'sha256'], ['hmac_sha384_test.json', 'sha384'], ['hmac_sha512_test.json', 'sha512']] as const) {
    for (const { test: t } of wycheproofCases(loadWycheproof<MacGroup>(file))) {
      if (t.result === 'acceptable') continue;
      hmac.push({ id: `${file} ${t.tcId}`, v: [alg, t.key, t.msg, t.tag, t.result === 'valid'] });
    }
  }

  const aead: Case[] = [];
  for (const { group: g, test: t } of wycheproofCases(loadWycheproof<AeadGroup>('aes_gcm_test.json'))) {
    if (g.ivSize === 96 && g.tagSize === 128 && t.result !== 'acceptable') aead.push({ id: `gcm ${t.tcId}`, v: ['gcm', t.key, t.iv, t.aad, t.msg, t.ct + t.tag, t.result === 'valid'] });
  }
  for (const { group: g, test: t } of wycheproofCases(loadWycheproof<AeadGroup>('aes_ccm_test.json'))) {
    if (g.ivSize === 96 && (g.tagSize === 128 || g.tagSize === 64) && t.result !== 'acceptable') {
      aead.push({ id: `ccm ${t.tcId}`, v: [g.tagSize === 64 ? 'ccm8' : 'ccm', t.key, t.iv, t.aad, t.msg, t.ct + t.tag, t.result === 'valid'] });
    }
  }

  const cbc: Case[] = [];
  for (const { test: t } of wycheproofCases(loadWycheproof<IndCpaGroup>('aes_cbc_pkcs5_test.json'))) {
    if (t.result !== 'acceptable' && t.ct.length % 32 === 0) cbc.push({ id: `cbc ${t.tcId}`, v: [t.key, t.iv, t.msg, t.ct, t.result === 'valid'] });
  }

  const ecdsa: Case[] = [];
  for (const file of readdirSync(VECTORS).filter((f) => /^ecdsa_.*_test\.json$/.test(f)).sort()) {
    let arithmetic = 0;
    for (const { group: g, test: t } of wycheproofCases(loadWycheproof<EcGroup>(file))) {
      const key = parseSubjectPublicKeyInfo(fromHex(g.publicKeyDer));
      if (key.type !== 'ec') throw new Error(`${file}: not an EC key`);
      const parsed = derToCompact(fromHex(t.sig), SIZE[key.curve]!) !== undefined;
      if (parsed && arithmetic++ % 6 !== 0) continue;
      ecdsa.push({ id: `${file} ${t.tcId}`, v: [key.curve, toHex(key.point), SHA[g.sha], t.msg, t.sig, t.result === 'valid'] });
    }
  }
  // x509-limbo (mostly ECDSA P-256 chains): every case, with Node's verdict (noble's ECDSA) as the expected one.
  const x509: Case[] = [];
  const limbo = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../vectors/x509-limbo/limbo.json'), 'utf8')) as { testcases: LimboCase[] };
  for (const c of limbo.testcases) {
    const time = c.validation_time ?? '2025-01-01T00:00:00Z';
    const usage = c.validation_kind === 'CLIENT' ? 'clientAuth' : 'serverAuth';
    const name = c.expected_peer_name?.value ?? null;
    let verdict: string;
    try {
      const r = verifyChain({
        peer: c.peer_certificate, intermediates: c.untrusted_intermediates, trusted: c.trusted_certs, time: new Date(time), policy: WEBPKI_POLICY, usage,
        ...(name !== null ? { serverName: name } : {}), ...(c.max_chain_depth !== null ? { maxDepth: c.max_chain_depth } : {}),
      });
      verdict = r.ok ? 'accepted' : [...r.flagNames].sort().join('|');
    } catch (e) {
      verdict = `threw ${(e as { codeName?: string }).codeName}`;
    }
    if (PARSED_ONLY_WITH_BER_FALLBACK[c.id]) {
      assert.is.not(verdict, 'accepted', c.id);
      verdict = '!accepted';
    }
    x509.push({ id: c.id, v: [c.peer_certificate, c.untrusted_intermediates, c.trusted_certs, time, name, c.max_chain_depth, usage, verdict] });
  }
  return { hash: { list: hash }, hmac: { list: hmac }, aead: { list: aead }, cbc: { list: cbc }, ecdsa: { list: ecdsa }, x509: { list: x509 } };
}

/**
 * Cases whose certificates Node parses only through the asn1js fallback, which the device
 * bundles leave out (src/device/absent-asn1js.ts): there the bundle refuses at parse, Node
 * refuses later (or with another code); both must refuse.
 */
const PARSED_ONLY_WITH_BER_FALLBACK: Record<string, string> = {
  'pathological::nc-dos-2': 'Node: BADCERT_NOT_TRUSTED after parsing; the bundle: X509_INVALID_EXTENSIONS at parse',
  'rfc5280::unknown-critical-extension-ee': 'Node: X509_INVALID_EXTENSIONS from asn1js; the bundle: X509_INVALID_FORMAT from the strict DER path',
};

type Outcome = Record<Family, { ran: number; wrong: string[]; ms: number; slowest: { id: string; ms: number } }>;

function mainModule(json: string, emit: string): string {
  return [
    // In pieces: xst refuses a string literal of this size ("buffer overflow").
    `const CASES = [${(json.match(/[^]{1,16384}/g) ?? []).map((c) => JSON.stringify(c)).join(',\n')}].join('');`,
    "import('./xs-vectors-harness.js').then(() => {",
    `  ${emit}(globalThis.microtlsVectors(CASES));`,
    `}, (e) => { ${emit}(JSON.stringify({ loadError: String(e) + ' ' + (e && e.stack || '') })); });`,
  ].join('\n');
}

function parse(text: string): Outcome {
  const r = JSON.parse(text) as Outcome & { loadError?: string };
  if (r.loadError) throw new Error(`the bundle or harness did not load: ${r.loadError}`);
  return r;
}

async function inXst(xst: string, json: string): Promise<Outcome> {
  const bundle = await writeXsBundle(['xs-vectors-harness.js']);
  try {
    const main = join(bundle.dir, 'main.js');
    writeFileSync(main, mainModule(json, 'print'));
    const out = await new Promise<string>((resolve, reject) => {
      execFile(xst, ['-m', main], { timeout: 180_000, maxBuffer: 1 << 26 }, (e, stdout, stderr) => (e ? reject(new Error(`xst: ${e.message}\n${stderr}`)) : resolve(stdout)));
    });
    return parse(out.trim().split('\n').pop() ?? '');
  } finally {
    bundle.remove();
  }
}

async function inXsnap(binary: string, json: string): Promise<Outcome> {
  const bundle = await writeXsBundle(['xs-vectors-harness.js']);
  let emitted = '';
  const worker = new XsnapWorker(binary, (q) => { emitted = new TextDecoder().decode(q); return new Uint8Array(0); });
  try {
    const main = join(bundle.dir, 'main.js');
    writeFileSync(main, ['globalThis.emit = (s) => issueCommand(new TextEncoder().encode(s).buffer);', mainModule(json, 'globalThis.emit')].join('\n'));
    await worker.evaluate(`import(${JSON.stringify(main)})`);
    if (!emitted) throw new Error(`xsnap: the vector module never finished ${worker.stderr}`);
    return parse(emitted);
  } finally {
    await worker.close();
    bundle.remove();
  }
}

test('the XS bundle is built without @noble: ECDSA on ecdsa-bigint.ts, hashes and AES from hw/', async () => {
  const { buildDevice } = (await import(pathToFileURL(join(REPO_ROOT, 'scripts/build-device.mjs')).href)) as {
    buildDevice(o: { only: string; log: (s: string) => void }): Promise<{ results: { inputs: string[] }[] }>;
  };
  const { results } = await buildDevice({ only: 'xs', log: () => undefined });
  const inputs = results[0]!.inputs;
  assert.equal(inputs.filter((p) => p.includes('@noble/')), []);
  for (const own of ['src/crypto/ecdsa-bigint.ts', 'hw/aes.ts', 'hw/aes-gcm.ts', 'hw/sha1.ts', 'hw/md5.ts', 'hw/sha256.ts', 'hw/sha512.ts']) {
    assert.ok(inputs.includes(own), `${own} in the bundle`);
  }
});

const prepared = cases();
const minimum: Record<Family, number> = { hash: 60, hmac: 600, aead: 400, cbc: 200, ecdsa: 1300, x509: 200 };
const ALL = Object.keys(prepared) as Family[];

// x509-limbo in xst only: xsnap's XS 13.3 spends ~25 s on pathological::nc-dos-1 alone (xst,
// XS 17.9: under a second), which would make this file the slowest in the suite.
for (const [engine, where, run, families] of [
  ['xst', findXst(), inXst, ALL],
  ['xsnap', findXsnap(), inXsnap, ALL.filter((f) => f !== 'x509')],
] as const) {
  const json = JSON.stringify(Object.fromEntries(families.map((f) => [f, prepared[f]])));
  const name = `${engine}: ${families.join(', ')} vectors through the XS bundle`;
  if (!where.path) {
    test.skip(`${name} — ${where.note}`, () => {});
    continue;
  }
  test(name, async () => {
    const t0 = Date.now();
    const r = await run(where.path!, json);
    console.log(`${engine}: ${(Object.keys(r) as Family[]).map((f) => `${f} ${r[f].ran} cases ${r[f].ms} ms (slowest ${r[f].slowest.id} ${r[f].slowest.ms} ms)`).join(', ')}; wall ${Date.now() - t0} ms`);
    for (const family of families) {
      assert.ok(r[family], `no result for ${family}`);
      assert.equal(r[family].wrong, [], `${engine} ${family}: wrong verdicts`);
      assert.is(r[family].ran, prepared[family].list.length, `${engine} ${family}: cases run`);
      assert.ok(r[family].ran >= minimum[family], `${engine} ${family}: only ${r[family].ran} cases`);
    }
  });
}

test.run();
