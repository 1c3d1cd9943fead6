/**
 * A small in-memory session store keyed by server name, least recently used evicted first.
 * Bounded because a device keeps it in RAM for its whole uptime: each entry holds a
 * master secret and a ticket (often 150-250 bytes, up to 64 KiB), and a client that talks
 * to a handful of brokers needs a handful of entries, not an ever-growing map.
 */
import { MicroTlsError } from '../errors.js';
import { isSessionUsable, type SessionLifetimeOptions, type TlsSession } from './session.js';

export interface SessionCacheOptions extends SessionLifetimeOptions {
  /** Default 8. */
  maxEntries?: number;
}

export class SessionCache {
  // Map iteration order is insertion order; re-inserting on use makes the first key the LRU one.
  private readonly entries = new Map<string, TlsSession>();
  declare readonly maxEntries: number;
  private declare readonly lifetime: SessionLifetimeOptions;

  constructor(opts: SessionCacheOptions = {}) {
    const max = opts.maxEntries ?? 8;
    if (!Number.isInteger(max) || max < 1) throw new MicroTlsError('SSL_BAD_CONFIG', `session cache maxEntries must be a positive integer, got ${String(max)}`);
    this.maxEntries = max;
    this.lifetime = opts.maxAgeSeconds !== undefined ? { maxAgeSeconds: opts.maxAgeSeconds } : {};
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The session for `serverName` if it may still be offered at `now` (ms since the epoch).
   * An expired session is dropped on the way, so it cannot be offered later by mistake.
   */
  get(serverName: string, now: number): TlsSession | undefined {
    const s = this.entries.get(serverName);
    if (s === undefined) return undefined;
    this.entries.delete(serverName);
    if (!isSessionUsable(s, serverName, now, this.lifetime)) return undefined;
    this.entries.set(serverName, s);
    return s;
  }

  /** Stores (or replaces) the session for its own server name. */
  set(session: TlsSession): void {
    this.entries.delete(session.serverName);
    this.entries.set(session.serverName, session);
    while (this.entries.size > this.maxEntries) {
      // The first key is the least recently used. Walked with for-of, not keys().next(): the
      // Espruino bundle's Map returns an array from keys(), which has no next().
      for (const oldest of this.entries.keys()) {
        this.entries.delete(oldest);
        break;
      }
    }
  }

  /** Forgets a session, e.g. after the server declined it or the connection failed mid-resumption. */
  delete(serverName: string): boolean {
    return this.entries.delete(serverName);
  }

  clear(): void {
    this.entries.clear();
  }

  /** Server names from least to most recently used (for diagnostics and tests). */
  names(): string[] {
    return Array.from(this.entries.keys());
  }
}
