/**
 * The fast DER path of src/x509/der.ts must be invisible: whenever it returns a tree, the
 * asn1js path returns the same tree (and no error). Checked on every certificate of
 * x509-limbo and on many mutations of them (byte flips, truncations, insertions,
 * length-byte edits), so malformed input keeps getting asn1js's verdict and error code.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { decodeDerAsn1js, decodeDerFast, type DerNode } from '../../src/x509/der.js';
import { decodePem } from '../../src/encoding/pem.js';
import { MicroTlsError } from '../../src/errors.js';
import { toHex } from '../../src/encoding/bytes.js';
import { prng as rng } from '../helpers/prng.js';

const limbo = JSON.parse(readFileSync(new URL('../vectors/x509-limbo/limbo.json', import.meta.url), 'utf8')) as {
  testcases: { peer_certificate: string; trusted_certs: string[]; untrusted_intermediates: string[] }[];
};

const certs: Uint8Array[] = [];
{
  const seen = new Set<string>();
  for (const c of limbo.testcases) {
    for (const pem of [c.peer_certificate, ...c.trusted_certs, ...c.untrusted_intermediates]) {
      for (const b of decodePem(pem)) {
        const k = toHex(b.der);
        if (!seen.has(k)) { seen.add(k); certs.push(b.der); }
      }
    }
  }
}

function same(a: DerNode, b: DerNode): boolean {
  if (a.cls !== b.cls || a.tag !== b.tag || a.constructed !== b.constructed) return false;
  if (a.raw.byteOffset !== b.raw.byteOffset || a.raw.length !== b.raw.length) return false;
  if (a.value.byteOffset !== b.value.byteOffset || a.value.length !== b.value.length) return false;
  if (a.children.length !== b.children.length) return false;
  return a.children.every((c, i) => same(c, b.children[i]!));
}

/** Returns 'fast' / 'slow' for which path decided; throws when the fast path disagrees with asn1js. */
function check(der: Uint8Array): 'fast' | 'slow' {
  const fast = decodeDerFast(der);
  if (fast === undefined) return 'slow';
  let ref: DerNode;
  try {
    ref = decodeDerAsn1js(der, 'X509_INVALID_FORMAT', 'test');
  } catch (e) {
    if (e instanceof MicroTlsError) throw new Error(`fast path accepted what asn1js refuses (${e.message}): ${toHex(der)}`);
    throw e;
  }
  if (!same(fast, ref)) throw new Error(`fast and asn1js trees differ: ${toHex(der)}`);
  return 'fast';
}


test('every limbo certificate decodes identically on both paths', () => {
  let fast = 0;
  for (const der of certs) if (check(der) === 'fast') fast++;
  // The point of the fast path: nearly all real certificates take it.
  assert.ok(fast > certs.length * 0.9, `${fast} of ${certs.length} took the fast path`);
});

test('mutated certificates: the fast path never accepts what asn1js refuses or reads differently', () => {
  const r = rng(4242);
  let fast = 0;
  let total = 0;
  const SPECIAL = [0x00, 0x01, 0x05, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0xff, 0x1f, 0x3f, 0x30, 0x31, 0xa0, 0x23, 0x24, 0x0c, 0x17, 0x18, 0x5a];
  for (let round = 0; round < 12; round++) {
    for (const der of certs) {
      const m = Uint8Array.from(der);
      const kind = Math.floor(r() * 5);
      const at = Math.floor(r() * m.length);
      let input: Uint8Array = m;
      if (kind === 0) m[at] = Math.floor(r() * 256);
      else if (kind === 1) m[at] = SPECIAL[Math.floor(r() * SPECIAL.length)]!;
      else if (kind === 2) input = m.subarray(0, at);
      else if (kind === 3) {
        input = new Uint8Array(m.length + 1);
        input.set(m.subarray(0, at));
        input[at] = SPECIAL[Math.floor(r() * SPECIAL.length)]!;
        input.set(m.subarray(at), at + 1);
      } else m[at] = m[at]! ^ (1 << Math.floor(r() * 8));
      total++;
      if (check(input) === 'fast') fast++;
    }
  }
  assert.ok(total > 1000 && fast > 0, `${fast} of ${total}`);
});

test('hand-made edge cases', () => {
  const cases = [
    '3000', '0500', '0501ff', '0100', '0101ff', '0200', '020100', '0300', '030100', '030108', '0400', '0600', '060180', '06012a',
    '1700', '170d3530303130313030303030305a', '170d3530303130313030303030302b', '180f32303530303130313030303030305a',
    '0c00', '0c01ff', '1300', '1600', '8000', 'a000', 'a0023000', '3080', '30810100', '3003020100', '3003020101ff',
    '2300', '23020300', '2400', '24020400', '3100', 'bf1f00', '1f1f00', '3e00', '1e00', '1e0100', '1c0100',
  ];
  for (const hex of cases) {
    const der = Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));
    check(der);
  }
});

test.run();
