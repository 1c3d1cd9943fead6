import type { FullCryptoProvider, HashContext, HashName } from '../../hw/provider.js';

/**
 * The running hash of handshake messages for Finished (and later CertificateVerify and
 * the extended master secret). The hash is the suite's PRF hash, unknown until the
 * ServerHello, so messages are buffered until `start(hash)`; afterwards they are hashed
 * as they pass and only the hash state is kept.
 */
export class Transcript {
  private pending: Uint8Array[] | undefined = [];
  private ctx: HashContext | undefined;

  constructor(private readonly provider: FullCryptoProvider) {}

  add(raw: Uint8Array): void {
    if (this.ctx) this.ctx.update(raw);
    else this.pending!.push(raw);
  }

  start(hash: HashName): void {
    this.ctx = this.provider.hash(hash);
    for (const m of this.pending!) this.ctx.update(m);
    this.pending = undefined;
  }

  /** Hash of everything added so far; the running state continues. */
  digest(): Uint8Array {
    if (!this.ctx) throw new Error('transcript hash not started');
    return this.ctx.clone().digest();
  }
}
