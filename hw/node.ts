/**
 * Node's OpenSSL behind the provider interface: the fast path on a PC, and the reference
 * the portable providers are benchmarked against. Node-only, so not exported from
 * hw/index.ts (the portable core must not pull in node:crypto).
 *
 * Public-key operations: rsaPublic and rsaPrivate (raw RSA_NO_PADDING operations; the
 * padding stays in src/crypto/rsa.ts), and ecdsaVerifyMessage. No ecdsaVerify: node:crypto
 * cannot verify ECDSA over a precomputed digest: crypto.verify(null, digest, ecKey, sig)
 * hashes its input with the key's default digest (SHA-256 under OpenSSL 3). Checked on
 * Wycheproof (Node 20.20, OpenSSL 3.0): of the 174 valid ecdsa_secp256r1_sha256 cases it
 * accepts 0 given the digest and 174 given the message; of the 194 valid secp384r1_sha384
 * cases, 0 either way. The identity digests ("NULL", "md_null") are refused as invalid
 * digests, and WebCrypto also hashes. So ECDSA goes through ecdsaVerifyMessage instead:
 * crypto.verify(hash, message, key, sig) hashes and verifies in one OpenSSL call (~70 us per
 * P-256 verify against ~2.2 ms for noble).
 */
import * as nc from 'node:crypto';
import { asMicroTlsError, fail, MicroTlsError } from '../src/errors.js';
import type { ErrorName } from '../src/errors.js';
import type { AeadCipher, CryptoProvider, EcCurveName, HashContext, HashName, MacContext, RsaPrivateKeyParts } from './provider.js';

/** Plain Uint8Array view of a Buffer, so Buffer methods never leak into the portable core. */
function u8(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Without padding final() is empty, so the common case needs no 16 KB copy. */
function joined(head: Buffer, tail: Buffer): Uint8Array {
  return u8(tail.length === 0 ? head : Buffer.concat([head, tail]));
}

function aesName(key: Uint8Array, mode: string, code: ErrorName): string {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    fail(code, `AES key must be 16, 24 or 32 bytes, got ${key.length}`);
  }
  return `aes-${key.length * 8}-${mode}`;
}

class NodeHashContext implements HashContext {
  constructor(private readonly h: nc.Hash) {}
  update(data: Uint8Array): HashContext {
    this.h.update(data);
    return this;
  }
  digest(): Uint8Array {
    return u8(this.h.digest());
  }
  clone(): HashContext {
    return new NodeHashContext(this.h.copy());
  }
}

/** A class, not a closure pair: allocation per HMAC showed up at ~20% on 64-byte messages. */
class NodeHmacContext implements MacContext {
  constructor(private readonly h: nc.Hmac) {}
  update(data: Uint8Array): MacContext {
    this.h.update(data);
    return this;
  }
  digest(): Uint8Array {
    return u8(this.h.digest());
  }
}

function nodeGcm(key: Uint8Array): AeadCipher {
  const name = aesName(key, 'gcm', 'GCM_BAD_INPUT');
  // A KeyObject keeps the key material in OpenSSL once instead of copying it per record.
  const secret = nc.createSecretKey(key);
  const checkNonce = (nonce: Uint8Array) => {
    if (nonce.length !== 12) fail('GCM_BAD_INPUT', `AES-GCM nonce must be 12 bytes, got ${nonce.length}`);
  };
  return {
    tagLength: 16,
    seal(nonce, plaintext, aad) {
      checkNonce(nonce);
      const c = nc.createCipheriv(name as nc.CipherGCMTypes, secret, nonce, { authTagLength: 16 });
      c.setAAD(aad);
      return u8(Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]));
    },
    open(nonce, sealed, aad) {
      checkNonce(nonce);
      if (sealed.length < 16) return null;
      const n = sealed.length - 16;
      const d = nc.createDecipheriv(name as nc.CipherGCMTypes, secret, nonce, { authTagLength: 16 });
      d.setAuthTag(sealed.subarray(n));
      d.setAAD(aad);
      const out = d.update(sealed.subarray(0, n));
      try {
        d.final(); // OpenSSL compares the tag with CRYPTO_memcmp (constant time).
      } catch {
        out.fill(0);
        return null;
      }
      return u8(out);
    },
  };
}

function nodeCcm(key: Uint8Array, tagLength: number): AeadCipher {
  const name = aesName(key, 'ccm', 'CCM_BAD_INPUT');
  if (tagLength < 4 || tagLength > 16 || tagLength % 2 !== 0) {
    fail('CCM_BAD_INPUT', `CCM tag length must be an even number of bytes from 4 to 16, got ${tagLength}`);
  }
  const secret = nc.createSecretKey(key);
  const checkNonce = (nonce: Uint8Array) => {
    if (nonce.length < 7 || nonce.length > 13) fail('CCM_BAD_INPUT', `CCM nonce must be 7 to 13 bytes, got ${nonce.length}`);
  };
  return {
    tagLength,
    seal(nonce, plaintext, aad) {
      checkNonce(nonce);
      const c = nc.createCipheriv(name as nc.CipherCCMTypes, secret, nonce, { authTagLength: tagLength });
      // OpenSSL's CCM needs the total length before any data, even when there is no AAD.
      c.setAAD(aad, { plaintextLength: plaintext.length });
      return u8(Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]));
    },
    open(nonce, sealed, aad) {
      checkNonce(nonce);
      if (sealed.length < tagLength) return null;
      const n = sealed.length - tagLength;
      const d = nc.createDecipheriv(name as nc.CipherCCMTypes, secret, nonce, { authTagLength: tagLength });
      d.setAuthTag(sealed.subarray(n));
      d.setAAD(aad, { plaintextLength: n });
      try {
        // CCM verifies inside update(); a bad tag makes update or final throw.
        const out = d.update(sealed.subarray(0, n));
        d.final();
        return u8(out);
      } catch {
        return null;
      }
    },
  };
}

// ---- RSA ------------------------------------------------------------------------------

function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  return b.subarray(i);
}

function b64u(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url');
}

/**
 * The input as exactly k bytes (OpenSSL's RSA_NO_PADDING wants the modulus length), after
 * checking it is below the modulus ourselves: OpenSSL would throw "data too large for
 * modulus", and the contract is a MicroTlsError with the Mbed TLS code, as bigint.ts gives.
 */
function rsaInput(n: Uint8Array, input: Uint8Array): Buffer {
  const x = stripZeros(input);
  const k = n.length;
  let below = x.length < k;
  if (x.length === k) {
    for (let i = 0; i < k; i++) {
      if (x[i] !== n[i]) {
        below = x[i]! < n[i]!;
        break;
      }
    }
  }
  if (!below) throw new MicroTlsError('RSA_BAD_INPUT_DATA', 'input is not smaller than the modulus');
  const out = Buffer.alloc(k);
  out.set(x, k - x.length);
  return out;
}

/**
 * KeyObjects are cached per key. The import itself is cheap (~5 us), but OpenSSL sets up its
 * Montgomery contexts and blinding state lazily on a key's first use and keeps them on the
 * key: measured on RSA-2048 (Node 20, OpenSSL 3.0), a private operation costs ~550 us on a
 * fresh KeyObject and ~260-300 us on a cached one; a public one ~30-40 us vs ~20 us.
 * Looked up first by the caller's array object, so a parsed key that is reused costs one
 * WeakMap lookup and entries die with the key; then in a small bounded map keyed by hex, so
 * a key re-parsed per connection (the same server certificate every time) still hits.
 * Arrays are assumed not to be mutated after use, as bigint.ts already assumes for its cache.
 */
const HEX_CACHE_SIZE = 16;

class HexCache {
  private readonly map = new Map<string, nc.KeyObject>();
  get(id: string, make: () => nc.KeyObject): nc.KeyObject {
    let key = this.map.get(id);
    if (key === undefined) {
      key = make();
      // Oldest first out: Map iterates in insertion order.
      if (this.map.size >= HEX_CACHE_SIZE) this.map.delete(this.map.keys().next().value!);
      this.map.set(id, key);
    }
    return key;
  }
}

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function rsaOps(): Pick<CryptoProvider, 'rsaPublic' | 'rsaPrivate'> {
  const publicByModulus = new WeakMap<Uint8Array, { e: Uint8Array; key: nc.KeyObject }>();
  const privateByKey = new WeakMap<RsaPrivateKeyParts, nc.KeyObject>();
  const byHex = new HexCache();

  function publicKeyObject(modulus: Uint8Array, n: Uint8Array, e: Uint8Array): nc.KeyObject {
    const hit = publicByModulus.get(modulus);
    // Compared, not trusted: one modulus array could be used with two exponents.
    if (hit !== undefined && sameBytes(hit.e, e)) return hit.key;
    const key = byHex.get(`pub:${hex(n)}:${hex(stripZeros(e))}`, () => {
      try {
        return nc.createPublicKey({ key: { kty: 'RSA', n: b64u(n), e: b64u(stripZeros(e)) }, format: 'jwk' });
      } catch (err) {
        throw asMicroTlsError(err, 'RSA_BAD_INPUT_DATA', 'node:crypto refused the RSA public key');
      }
    });
    publicByModulus.set(modulus, { e, key });
    return key;
  }

  function privateKeyObject(parts: RsaPrivateKeyParts, n: Uint8Array): nc.KeyObject {
    let key = privateByKey.get(parts);
    if (key !== undefined) return key;
    // Modulus and private exponent identify the key; an inconsistent key (wrong CRT values)
    // is refused by OpenSSL's import check or caught by the caller's public-key check.
    key = byHex.get(`priv:${hex(n)}:${hex(stripZeros(parts.privateExponent))}`, () => {
      const z = (b: Uint8Array) => b64u(stripZeros(b));
      const jwk = {
        kty: 'RSA', n: b64u(n), e: z(parts.publicExponent), d: z(parts.privateExponent),
        p: z(parts.prime1), q: z(parts.prime2), dp: z(parts.exponent1), dq: z(parts.exponent2), qi: z(parts.coefficient),
      };
      try {
        return nc.createPrivateKey({ key: jwk, format: 'jwk' });
      } catch (err) {
        throw asMicroTlsError(err, 'RSA_BAD_INPUT_DATA', 'node:crypto refused the RSA private key');
      }
    });
    privateByKey.set(parts, key);
    return key;
  }

  return {
    rsaPublic(modulus, publicExponent, input) {
      const n = stripZeros(modulus);
      const x = rsaInput(n, input);
      const key = publicKeyObject(modulus, n, publicExponent);
      try {
        return u8(nc.publicEncrypt({ key, padding: nc.constants.RSA_NO_PADDING }, x));
      } catch (err) {
        throw asMicroTlsError(err, 'RSA_PUBLIC_FAILED', 'node:crypto RSA public operation');
      }
    },
    rsaPrivate(parts, input) {
      const n = stripZeros(parts.modulus);
      const x = rsaInput(n, input);
      const key = privateKeyObject(parts, n);
      try {
        // OpenSSL blinds the base and checks its CRT result with the public exponent itself;
        // src/crypto checks again before releasing a signature.
        return u8(nc.privateDecrypt({ key, padding: nc.constants.RSA_NO_PADDING }, x));
      } catch (err) {
        throw asMicroTlsError(err, 'RSA_PRIVATE_FAILED', 'node:crypto RSA private operation');
      }
    },
  };
}

// ---- ECDSA ----------------------------------------------------------------------------

const EC_FIELD_BYTES: Readonly<Record<EcCurveName, number>> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };
/** The hashes ECDSA is defined with (X.509, TLS 1.2); OpenSSL would also take md5 and SHA-3. */
const ECDSA_HASHES: ReadonlySet<string> = new Set<HashName>(['sha1', 'sha224', 'sha256', 'sha384', 'sha512']);
/** SubjectPublicKeyInfo up to the point: SEQUENCE { id-ecPublicKey, the curve OID }, BIT STRING header. */
const SPKI_PREFIX: Readonly<Record<'P-384' | 'P-521', Buffer>> = {
  'P-384': Buffer.from('3076301006072a8648ce3d020106052b81040022036200', 'hex'),
  'P-521': Buffer.from('30819b301006072a8648ce3d020106052b8104002303818600', 'hex'),
};

/**
 * A KeyObject for an uncompressed point. Both import routes check the point is on the curve
 * (off-curve points are refused), but their cost differs by curve (Node 20.20, OpenSSL 3.0,
 * best of 5): JWK 65 / 450 / 975 us for P-256 / P-384 / P-521 (it runs a full key check),
 * DER SubjectPublicKeyInfo ~105 us for each. So JWK for P-256, DER for the others.
 */
function importEcPoint(curve: EcCurveName, point: Uint8Array, f: number): nc.KeyObject {
  if (curve === 'P-256') {
    return nc.createPublicKey({
      key: { kty: 'EC', crv: curve, x: b64u(point.subarray(1, 1 + f)), y: b64u(point.subarray(1 + f)) },
      format: 'jwk',
    });
  }
  const der = Buffer.concat([SPKI_PREFIX[curve], point]);
  return nc.createPublicKey({ key: der, format: 'der', type: 'spki' });
}

function ecOps(): Pick<CryptoProvider, 'ecdsaVerifyMessage'> {
  // Cached like the RSA public keys (by point array, then by hex), and more worth it: the
  // import costs about as much as the verification itself (~65-105 us against ~70 us for
  // P-256), and a server's certificate keys come back on every connection.
  const byPoint = new WeakMap<Uint8Array, { curve: EcCurveName; key: nc.KeyObject }>();
  const byHex = new HexCache();

  /** undefined for a point that is not an uncompressed point of the curve's size, or that OpenSSL refuses. */
  function publicKeyObject(curve: EcCurveName, point: Uint8Array): nc.KeyObject | undefined {
    const hit = byPoint.get(point);
    if (hit !== undefined && hit.curve === curve) return hit.key;
    const f = Object.prototype.hasOwnProperty.call(EC_FIELD_BYTES, curve) ? EC_FIELD_BYTES[curve] : undefined;
    if (f === undefined || point.length !== 1 + 2 * f || point[0] !== 4) return undefined;
    let key: nc.KeyObject;
    try {
      key = byHex.get(`ec:${curve}:${hex(point)}`, () => importEcPoint(curve, point, f));
    } catch {
      return undefined; // Not on the curve, or the identity: nothing is cached.
    }
    byPoint.set(point, { curve, key });
    return key;
  }

  return {
    ecdsaVerifyMessage(curve, publicPoint, hash, message, derSignature) {
      try {
        if (!ECDSA_HASHES.has(hash)) return false;
        const key = publicKeyObject(curve, publicPoint);
        if (key === undefined) return false;
        // OpenSSL range-checks r and s (0 < r, s < n) and parses the DER itself; src/crypto's
        // strict parse has already run, so what arrives here is canonical.
        return nc.verify(hash, message, { key, dsaEncoding: 'der' }, derSignature) === true;
      } catch {
        return false; // Any OpenSSL error (a bad encoding, an unknown curve) is a refusal.
      }
    },
  };
}

export function createNodeProvider(): CryptoProvider {
  return {
    name: 'node',
    hash: (alg: HashName) => new NodeHashContext(nc.createHash(alg)),
    hmac: (alg: HashName, key: Uint8Array) => new NodeHmacContext(nc.createHmac(alg, key)),
    aesBlock(key) {
      // One ECB context for the life of the key: with padding off, OpenSSL returns each block
      // from update() immediately, so the key schedule is never rebuilt.
      const ecb = nc.createCipheriv(aesName(key, 'ecb', 'CIPHER_BAD_INPUT_DATA'), key, null).setAutoPadding(false);
      return {
        encryptBlock(block) {
          if (block.length !== 16) fail('CIPHER_BAD_INPUT_DATA', `AES block must be 16 bytes, got ${block.length}`);
          return u8(ecb.update(block));
        },
      };
    },
    aesCbc(key) {
      const name = aesName(key, 'cbc', 'CIPHER_BAD_INPUT_DATA');
      const secret = nc.createSecretKey(key);
      const check = (iv: Uint8Array, data: Uint8Array) => {
        if (iv.length !== 16) fail('CIPHER_BAD_INPUT_DATA', `AES-CBC IV must be 16 bytes, got ${iv.length}`);
        if (data.length % 16 !== 0) {
          fail('CIPHER_FULL_BLOCK_EXPECTED', `AES-CBC data must be a multiple of 16 bytes (no padding is applied), got ${data.length}`);
        }
      };
      return {
        encrypt(iv, data) {
          check(iv, data);
          const c = nc.createCipheriv(name, secret, iv).setAutoPadding(false);
          return joined(c.update(data), c.final());
        },
        decrypt(iv, data) {
          check(iv, data);
          const d = nc.createDecipheriv(name, secret, iv).setAutoPadding(false);
          return joined(d.update(data), d.final());
        },
      };
    },
    aesGcm: nodeGcm,
    aesCcm: nodeCcm,
    randomBytes: (length: number) => u8(nc.randomBytes(length)),
    // Per provider instance, so two providers do not share (or pin) each other's KeyObjects.
    ...rsaOps(),
    ...ecOps(),
  };
}
