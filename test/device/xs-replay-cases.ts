/**
 * The replay cases every device engine runs from the XS bundle (test/device/xs-replay-harness.js):
 * the ten recorded suites, one re-chunked, a flipped bit in the server's Finished, the recorded
 * chain checked against the wrong CA, and a wrong random seed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { issueCertificate } from '../../src/node/pki.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'replay');

export interface ReplayCase {
  readonly name: string;
  readonly fixture: string;
  readonly options: Record<string, unknown> | undefined;
}

export interface EngineReplayOutcome {
  suite: string;
  clientBytesMatch: boolean;
  clientBytesLength: number;
  cipherSuite?: string;
  extendedMasterSecret?: boolean;
  encryptThenMac?: boolean;
  received?: string;
  closed: boolean;
  error?: { codeName: string; message: string };
  ms: number;
}

export function fixtureTexts(): Map<string, string> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  return new Map(files.map((f) => [f.replace(/\.json$/, ''), readFileSync(join(dir, f), 'utf8')]));
}

export function replayCases(): ReplayCase[] {
  const texts = fixtureTexts();
  const cases: ReplayCase[] = [...texts].map(([name, fixture]) => ({ name, fixture, options: undefined }));
  const gcm = texts.get('AES128-GCM-SHA256')!;
  const other = issueCertificate({ subject: [['CN', 'unrelated CA']], ca: true, keyUsage: ['keyCertSign', 'cRLSign'] });
  cases.push(
    { name: 'rechunked', fixture: gcm, options: { chunk: 7 } },
    { name: 'tampered-finished', fixture: gcm, options: { flipLastServerByte: true } },
    { name: 'wrong-ca', fixture: gcm, options: { verifyCa: other.certPem } },
    { name: 'wrong-seed', fixture: gcm, options: { seed: 'another seed' } },
  );
  return cases;
}

/** The recorded flow's client byte count. */
export function expectedClientBytes(fixture: string): number {
  const f = JSON.parse(fixture) as { flow: { dir: string; hex: string }[] };
  return f.flow.filter((x) => x.dir === 'client').reduce((n, x) => n + x.hex.length / 2, 0);
}
