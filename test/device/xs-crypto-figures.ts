/**
 * `npx tsx test/device/xs-crypto-figures.ts`: per-operation times of the primitives the XS
 * bundle could use (ECDSA P-256/384/521 verify on @noble/curves and on the limb code, RSA-2048
 * public and private on BigInt and on limbs), inside xst, xsnap and, as the reference,
 * node --jitless, in one run. The inputs are Wycheproof cases (valid ones; each result is
 * checked); each figure is the best of five rounds that alternate the implementations. `--quick` leaves out the limb rows that take seconds. Prints one table; the figures behind the XS bundle's choices (README).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { digest, getDefaultProvider, type HashName } from '../../hw/index.js';
import { derToCompact } from '../../src/crypto/ecdsa.js';
import { importPrivateKey, parseSubjectPublicKeyInfo } from '../../src/crypto/keys.js';
import { DIGEST_INFO_PREFIX } from '../../src/crypto/digest-info.js';
import type { RsaPrivateKey, RsaPublicKey } from '../../src/crypto/key-types.js';
import { fromHex, toHex } from '../../src/encoding/bytes.js';
import { bundleForEngine, findXsnap, findXst, REPO_ROOT } from '../helpers/engines.js';
import { XsnapWorker } from '../helpers/xsnap.js';
import { loadWycheproof, type WycheproofGroup, type WycheproofTest } from '../vectors/wycheproof.js';

interface SigTest extends WycheproofTest { msg: string; sig: string }
interface SigGroup extends WycheproofGroup<SigTest> { sha: string; publicKeyDer?: string; privateKeyPem?: string }
const HASH: Record<string, HashName> = { 'SHA-1': 'sha1', 'SHA-224': 'sha224', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const provider = getDefaultProvider();

function emsa(hash: HashName, h: Uint8Array, k: number): string {
  const t = new Uint8Array([...DIGEST_INFO_PREFIX[hash]!, ...h]);
  const em = new Uint8Array(k);
  em[1] = 1;
  em.fill(0xff, 2, k - t.length - 1);
  em.set(t, k - t.length);
  return toHex(em);
}

function firstValid(file: string): { g: SigGroup; t: SigTest } {
  for (const g of loadWycheproof<SigGroup>(file).testGroups) for (const t of g.tests) if (t.result === 'valid') return { g, t };
  throw new Error(`no valid case in ${file}`);
}

export function figureCases(skipSlow: boolean): string {
  const ecdsa = [['ecdsa_secp256r1_sha256_test.json', 32], ['ecdsa_secp384r1_sha384_test.json', 48], ['ecdsa_secp521r1_sha512_test.json', 66]].map(([file, size]) => {
    const { g, t } = firstValid(file as string);
    const key = parseSubjectPublicKeyInfo(fromHex(g.publicKeyDer!));
    if (key.type !== 'ec') throw new Error('not an EC key');
    return { curve: key.curve, point: toHex(key.point), digest: toHex(digest(provider, HASH[g.sha]!, fromHex(t.msg))), rs: toHex(derToCompact(fromHex(t.sig), size as number)!) };
  });
  const pub = firstValid('rsa_signature_2048_sha256_test.json');
  const pk = parseSubjectPublicKeyInfo(fromHex(pub.g.publicKeyDer!)) as RsaPublicKey;
  const gen = firstValid('rsa_pkcs1_2048_sig_gen_test.json');
  const k = importPrivateKey(gen.g.privateKeyPem!) as RsaPrivateKey;
  const genHash = HASH[gen.g.sha]!;
  return JSON.stringify({
    skipSlow,
    ecdsa,
    rsaPublic: { n: toHex(pk.modulus), e: toHex(pk.publicExponent), sig: pub.t.sig, em: emsa('sha256', digest(provider, 'sha256', fromHex(pub.t.msg)), pk.modulus.length) },
    rsaPrivate: {
      key: { n: toHex(k.modulus), e: toHex(k.publicExponent), d: toHex(k.privateExponent), p: toHex(k.prime1), q: toHex(k.prime2), dp: toHex(k.exponent1), dq: toHex(k.exponent2), qi: toHex(k.coefficient) },
      em: emsa(genHash, digest(provider, genHash, fromHex(gen.t.msg)), k.modulus.length), sig: gen.t.sig,
    },
  });
}

interface Figures { rows: { op: string; impl: string; ms: number; n: number }[]; failures: string[] }

function run(bin: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => execFile(bin, args, { timeout: 600_000, maxBuffer: 1 << 26 }, (e, out, err) => (e ? reject(new Error(`${e.message}\n${err}`)) : resolve(out))));
}

export async function cryptoFigures(skipSlow = process.argv.includes('--quick')): Promise<Record<string, Figures>> {
  const script = `var CASES = ${figureCases(skipSlow)};\n${await bundleForEngine(join(REPO_ROOT, 'test/device/xs-crypto-figures-entry.ts'), [], false)}`;
  const dir = mkdtempSync(join(tmpdir(), 'xs-figures-'));
  const out: Record<string, Figures> = {};
  try {
    const xst = findXst().path;
    if (xst) {
      writeFileSync(join(dir, 'xst.js'), `var emit = print;\n${script}`);
      out.xst = JSON.parse(await run(xst, [join(dir, 'xst.js')]));
    }
    const xsnap = findXsnap().path;
    if (xsnap) {
      let emitted = '';
      const w = new XsnapWorker(xsnap, (q) => { emitted = new TextDecoder().decode(q); return new Uint8Array(0); });
      try {
        await w.evaluate(`globalThis.emit = (s) => issueCommand(new TextEncoder().encode(s).buffer);\n${script}`);
      } finally {
        await w.close();
      }
      out.xsnap = JSON.parse(emitted);
    }
    writeFileSync(join(dir, 'node.js'), `var emit = (s) => process.stdout.write(s);\n${script}`);
    out['node --jitless'] = JSON.parse(await run(process.execPath, ['--jitless', join(dir, 'node.js')]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

if (process.argv[1]?.endsWith('xs-crypto-figures.ts')) {
  const figures = await cryptoFigures();
  const engines = Object.keys(figures);
  const first = figures[engines[0]!]!;
  console.log(['operation'.padEnd(20), 'impl'.padEnd(7), ...engines.map((e) => e.padStart(15))].join(' '));
  for (const r of first.rows) {
    console.log([r.op.padEnd(20), r.impl.padEnd(7), ...engines.map((e) => {
      const x = figures[e]!.rows.find((y) => y.op === r.op && y.impl === r.impl);
      return (x ? `${x.ms.toFixed(2)} ms` : '-').padStart(15);
    })].join(' '));
  }
  const failed = engines.flatMap((e) => figures[e]!.failures.map((f) => `${e}: ${f}`));
  if (failed.length) { console.error(`wrong results: ${failed.join(', ')}`); process.exitCode = 1; }
}
