/**
 * Portable replay entry: bundled by test/engines/bundle.ts (esbuild, IIFE, platform neutral)
 * and evaluated inside another JS engine (QuickJS today). It imports only the portable core
 * through test/helpers/replay.ts: no node:* modules, no Buffer, no TextEncoder/TextDecoder,
 * no crypto.getRandomValues (the random source is the fixture's seeded one), no timers.
 *
 * Exposes two globals that take and return JSON strings, so nothing but strings crosses the
 * engine boundary:
 *   microtlsReplay(fixtureJson, optionsJson?) -> EngineReplayResult
 *   microtlsDer(derHex) -> the certificate parsed, and its DER tree from both decoders
 *     (the strict fast path and asn1js), so the asn1js fallback is known to work here too
 *   microtlsEngineInfo() -> which ES features / host APIs the engine has (for the report)
 */
import { fromHex, toHex } from '../../src/encoding/bytes.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { decodeDerAsn1js, decodeDerFast, type DerNode } from '../../src/x509/der.js';
import { replay, type ReplayFixture } from '../helpers/replay.js';

export interface EngineReplayOptions {
  readonly seed?: string;
  readonly chunk?: number;
}

export interface EngineReplayResult {
  readonly suite: string;
  /** The engine produced exactly the recorded client bytes. */
  readonly clientBytesMatch: boolean;
  readonly clientBytesLength: number;
  /** First differing hex offset (debugging), -1 when equal. */
  readonly firstDifference: number;
  readonly cipherSuite: string | undefined;
  readonly extendedMasterSecret: boolean | undefined;
  readonly encryptThenMac: boolean | undefined;
  readonly received: string | undefined;
  readonly closed: boolean;
  readonly error: { readonly codeName: string; readonly message: string } | undefined;
  /** Wall time of the replay measured inside the engine (Date.now()). */
  readonly ms: number;
}

function firstDifference(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return i;
  return a.length === b.length ? -1 : n;
}

function microtlsReplay(fixtureJson: string, optionsJson?: string): string {
  const f = JSON.parse(fixtureJson) as ReplayFixture;
  const opts = (optionsJson ? JSON.parse(optionsJson) : {}) as EngineReplayOptions;
  const t0 = Date.now();
  let result: EngineReplayResult;
  try {
    const r = replay(f, { ...(opts.seed !== undefined ? { seed: opts.seed } : {}), ...(opts.chunk ? { chunk: opts.chunk } : {}) });
    result = {
      suite: f.suite,
      clientBytesMatch: r.clientBytes === r.expectedClientBytes,
      clientBytesLength: r.clientBytes.length / 2,
      firstDifference: firstDifference(r.clientBytes, r.expectedClientBytes),
      cipherSuite: r.handshake?.cipherSuite.name,
      extendedMasterSecret: r.handshake?.extendedMasterSecret,
      encryptThenMac: r.handshake?.encryptThenMac,
      received: r.received,
      closed: r.closed,
      error: r.error ? { codeName: r.error.codeName, message: r.error.message } : undefined,
      ms: Date.now() - t0,
    };
  } catch (e) {
    // A throw (rather than an error event) means the engine itself broke: report it as data.
    const err = e as { name?: string; message?: string; stack?: string };
    result = {
      suite: f.suite, clientBytesMatch: false, clientBytesLength: 0, firstDifference: 0,
      cipherSuite: undefined, extendedMasterSecret: undefined, encryptThenMac: undefined,
      received: undefined, closed: false,
      error: { codeName: `THROWN ${err?.name ?? typeof e}`, message: `${err?.message ?? String(e)}\n${err?.stack ?? ''}` },
      ms: Date.now() - t0,
    };
  }
  return JSON.stringify(result);
}

function treeText(n: DerNode): string {
  return `${n.cls}.${n.tag}${n.constructed ? `[${n.children.map(treeText).join(',')}]` : `=${toHex(n.value)}`}`;
}

function microtlsDer(derHex: string): string {
  const der = fromHex(derHex);
  let out: Record<string, unknown>;
  try {
    const fast = decodeDerFast(der);
    const slow = decodeDerAsn1js(der, 'X509_INVALID_FORMAT', 'engine check');
    out = {
      subject: parseCertificate(der).subject.toString(),
      fastPath: fast !== undefined,
      asn1jsTree: treeText(slow).length,
      sameTree: fast !== undefined && treeText(fast) === treeText(slow),
    };
  } catch (e) {
    const err = e as { codeName?: string; name?: string; message?: string };
    out = { error: { codeName: err?.codeName ?? `THROWN ${err?.name ?? typeof e}`, message: err?.message ?? String(e) } };
  }
  return JSON.stringify(out);
}

function microtlsEngineInfo(): string {
  const g = globalThis as Record<string, unknown>;
  return JSON.stringify({
    BigInt: typeof g['BigInt'],
    TextEncoder: typeof g['TextEncoder'],
    TextDecoder: typeof g['TextDecoder'],
    crypto: typeof g['crypto'],
    Buffer: typeof g['Buffer'],
    process: typeof g['process'],
    setTimeout: typeof g['setTimeout'],
    queueMicrotask: typeof g['queueMicrotask'],
    performance: typeof g['performance'],
  });
}

(globalThis as Record<string, unknown>)['microtlsReplay'] = microtlsReplay;
(globalThis as Record<string, unknown>)['microtlsDer'] = microtlsDer;
(globalThis as Record<string, unknown>)['microtlsEngineInfo'] = microtlsEngineInfo;
