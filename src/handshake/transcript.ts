import type { FullCryptoProvider, HashContext, HashName } from '../../hw/provider.js';
import { MicroTlsError } from '../errors.js';

/**
 * The running hash of handshake messages for Finished, the extended master secret and
 * CertificateVerify. The hash is the suite's PRF hash, unknown until the ServerHello, so
 * messages are buffered until `start(hash)`; afterwards they are hashed as they pass and
 * only the hash state is kept.
 *
 * With `retain`, the messages are also kept (references, not copies) until `release()`:
 * CertificateVerify is signed with a hash the server picks in its CertificateRequest, which
 * may differ from the PRF hash, and keeping one running hash per candidate (five of them)
 * would cost every handshake what only client-certificate handshakes need. The retained
 * bytes are bounded: before ServerHelloDone the state machine admits at most ClientHello,
 * ServerHello, Certificate and CertificateRequest, each capped by the handshake assembler,
 * and the engine holds the server's chain anyway.
 */
export class Transcript {
  private messages: Uint8Array[] | undefined = [];
  private declare ctx: HashContext | undefined;
  private declare hashName: HashName | undefined;
  private declare readonly provider: FullCryptoProvider;
  private declare readonly retain: boolean;

  constructor(provider: FullCryptoProvider, retain = false) {
    this.provider = provider;
    this.retain = retain;
  }

  add(raw: Uint8Array): void {
    this.ctx?.update(raw);
    this.messages?.push(raw);
  }

  start(hash: HashName): void {
    this.ctx = this.provider.hash(hash);
    this.hashName = hash;
    for (const m of this.messages!) this.ctx.update(m);
    if (!this.retain) this.messages = undefined;
  }

  /** Hash of everything added so far; the running state continues. */
  digest(): Uint8Array {
    if (!this.ctx) throw new MicroTlsError('SSL_INTERNAL_ERROR', 'transcript hash not started');
    return this.ctx.clone().digest();
  }

  /** Hash of everything added so far with `hash` (the PRF hash, or any hash while messages are retained). */
  digestWith(hash: HashName): Uint8Array {
    if (hash === this.hashName) return this.digest();
    if (!this.messages) throw new MicroTlsError('SSL_INTERNAL_ERROR', `transcript not retained for ${hash}`);
    const ctx = this.provider.hash(hash);
    for (const m of this.messages) ctx.update(m);
    return ctx.digest();
  }

  /** Drops the retained messages once no signature over them can be needed. */
  release(): void {
    if (this.ctx) this.messages = undefined;
  }
}
