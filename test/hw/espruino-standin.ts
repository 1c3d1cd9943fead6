/**
 * A stand-in for Espruino's `require('crypto')`, implementing only what its documentation and
 * libs/crypto/jswrap_crypto.c promise, on node:crypto: one-shot SHA1..SHA512 returning
 * ArrayBuffer; AES.encrypt/decrypt(message, key, { iv, mode }) with CBC as the default mode
 * and a zero IV by default, no padding, an error for CBC input that is not whole blocks, ECB
 * over whole blocks only, and no zero-length results (the firmware cannot allocate them).
 * It counts calls so tests can prove the native path was taken.
 */
import * as nc from 'node:crypto';
import type { EspruinoCryptoModule } from '../../hw/espruino.js';

type Bytes = Uint8Array | ArrayBuffer;
type Options = { iv?: Bytes; mode?: 'CBC' | 'CFB' | 'CTR' | 'OFB' | 'ECB' };

export interface EspruinoStandIn extends EspruinoCryptoModule {
  calls: Record<string, number>;
}

function bytes(b: Bytes): Uint8Array {
  return b instanceof Uint8Array ? b : new Uint8Array(b);
}

function arrayBuffer(b: Buffer): ArrayBuffer {
  const out = new ArrayBuffer(b.length);
  new Uint8Array(out).set(b);
  return out;
}

export function createEspruinoStandIn(features: { aes?: boolean; sha512?: boolean } = {}): EspruinoStandIn {
  const calls: Record<string, number> = {};
  const count = (name: string) => {
    calls[name] = (calls[name] ?? 0) + 1;
  };
  const sha = (name: string, alg: string) => (m: Bytes): ArrayBuffer => {
    count(name);
    return arrayBuffer(nc.createHash(alg).update(bytes(m)).digest());
  };
  const crypt = (encrypt: boolean) => (message: Bytes, key: Bytes, options?: Options): ArrayBuffer => {
    const mode = options?.mode ?? 'CBC';
    count(`AES.${encrypt ? 'encrypt' : 'decrypt'}.${mode}`);
    const m = bytes(message);
    const k = bytes(key);
    if (k.length !== 16 && k.length !== 24 && k.length !== 32) throw new Error('Invalid key length');
    if (m.length === 0) throw new Error('Not enough memory for result');
    const iv = new Uint8Array(16);
    if (options?.iv) iv.set(bytes(options.iv).subarray(0, 16));
    if (mode === 'CBC') {
      if (m.length % 16 !== 0) throw new Error('Invalid input length');
      const c = encrypt ? nc.createCipheriv(`aes-${k.length * 8}-cbc`, k, iv) : nc.createDecipheriv(`aes-${k.length * 8}-cbc`, k, iv);
      c.setAutoPadding(false);
      return arrayBuffer(Buffer.concat([c.update(m), c.final()]));
    }
    if (mode === 'ECB') {
      const c = encrypt ? nc.createCipheriv(`aes-${k.length * 8}-ecb`, k, null) : nc.createDecipheriv(`aes-${k.length * 8}-ecb`, k, null);
      c.setAutoPadding(false);
      const whole = m.subarray(0, m.length - (m.length % 16));
      const out = new Uint8Array(m.length); // firmware leaves a trailing partial block unprocessed
      out.set(Buffer.concat([c.update(whole), c.final()]));
      return out.buffer;
    }
    throw new Error(`mode ${mode} is not modelled by the stand-in`);
  };
  const standIn: EspruinoStandIn = {
    calls,
    SHA1: sha('SHA1', 'sha1'),
    SHA224: sha('SHA224', 'sha224'),
    SHA256: sha('SHA256', 'sha256'),
  };
  if (features.sha512 !== false) {
    standIn.SHA384 = sha('SHA384', 'sha384');
    standIn.SHA512 = sha('SHA512', 'sha512');
  }
  if (features.aes !== false) standIn.AES = { encrypt: crypt(true), decrypt: crypt(false) };
  return standIn;
}
