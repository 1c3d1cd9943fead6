/**
 * One check for the interpreter hashes in hw/ (SHA-1, MD5, SHA-224/256, SHA-384/512): a
 * message fed in random pieces equals node:crypto's digest, and a clone taken half way
 * continues independently.
 */
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';

export interface PieceHash {
  update(data: Uint8Array): PieceHash;
  digest(): Uint8Array;
  clone(): PieceHash;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** `next` is the test's seeded random source; pieces are 0..maxPiece-1 bytes long. */
export function checkInPieces(alg: string, h: PieceHash, msg: Uint8Array, next: () => number, maxPiece: number): void {
  let off = 0;
  let mid: { at: number; hash: PieceHash } | undefined;
  while (off < msg.length) {
    const step = Math.floor(next() * maxPiece);
    h.update(msg.subarray(off, off + step));
    off = Math.min(msg.length, off + step);
    if (!mid && off >= msg.length / 2) mid = { at: off, hash: h.clone() };
  }
  assert.is(hex(h.digest()), createHash(alg).update(msg).digest('hex'), `${alg} length ${msg.length}`);
  if (mid) {
    const tail = new TextEncoder().encode('-continued');
    assert.is(hex(mid.hash.update(tail).digest()), createHash(alg).update(msg.subarray(0, mid.at)).update(tail).digest('hex'), `${alg} clone at ${mid.at}`);
  }
}
