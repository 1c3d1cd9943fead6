/**
 * Loader for the Wycheproof JSON vectors in test/vectors/wycheproof (Apache-2.0, see LICENSE
 * there). Shared by the hw and crypto suites; policy for result kinds is in ../vectors/README.md.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type WycheproofResult = 'valid' | 'invalid' | 'acceptable';

export interface WycheproofTest {
  tcId: number;
  comment: string;
  flags: string[];
  result: WycheproofResult;
}

export interface WycheproofGroup<T extends WycheproofTest = WycheproofTest> {
  type: string;
  tests: T[];
}

export interface WycheproofFile<G extends WycheproofGroup = WycheproofGroup> {
  algorithm: string;
  numberOfTests: number;
  testGroups: G[];
}

export interface AeadTest extends WycheproofTest { key: string; iv: string; aad: string; msg: string; ct: string; tag: string }
export interface AeadGroup extends WycheproofGroup<AeadTest> { ivSize: number; keySize: number; tagSize: number }
export interface IndCpaTest extends WycheproofTest { key: string; iv: string; msg: string; ct: string }
export interface IndCpaGroup extends WycheproofGroup<IndCpaTest> { ivSize: number; keySize: number }
export interface MacTest extends WycheproofTest { key: string; msg: string; tag: string }
export interface MacGroup extends WycheproofGroup<MacTest> { keySize: number; tagSize: number }

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'wycheproof');

/** Reads a vector file and checks it is complete (numberOfTests matches the tests present). */
export function loadWycheproof<G extends WycheproofGroup>(fileName: string): WycheproofFile<G> {
  const file = JSON.parse(readFileSync(join(DIR, fileName), 'utf8')) as WycheproofFile<G>;
  const count = file.testGroups.reduce((n, g) => n + g.tests.length, 0);
  if (count !== file.numberOfTests) {
    throw new Error(`${fileName}: header says ${file.numberOfTests} tests, found ${count}`);
  }
  return file;
}

export function* wycheproofCases<G extends WycheproofGroup>(file: WycheproofFile<G>): Generator<{ group: G; test: G['tests'][number] }> {
  for (const group of file.testGroups) {
    for (const test of group.tests) yield { group, test };
  }
}

/**
 * Per-file, per-provider tally printed as one line, so a run shows how much of each file
 * was really exercised (a suite that skips everything would otherwise pass silently).
 */
export class WycheproofTally {
  valid = 0;
  invalid = 0;
  acceptable = 0;
  private readonly skipped = new Map<string, number>();

  constructor(readonly fileName: string, readonly providerName: string) {}

  skip(reason: string): void {
    this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + 1);
  }

  get skippedTotal(): number {
    let n = 0;
    for (const v of this.skipped.values()) n += v;
    return n;
  }

  line(): string {
    const reasons = [...this.skipped].map(([r, n]) => `${n} ${r}`).join(', ');
    return `wycheproof ${this.fileName} [${this.providerName}]: ${this.valid} valid ok, ${this.invalid} invalid rejected, ` +
      `${this.acceptable} acceptable, ${this.skippedTotal} skipped${reasons ? ` (${reasons})` : ''}`;
  }
}

const acceptableOutcomes = new Map<string, string>();

/**
 * "acceptable" cases may pass or be rejected, but every provider must do the same: the
 * first outcome seen for a file's tcId is recorded, and a later different one is an error.
 */
export function checkAcceptableConsistency(fileName: string, tcId: number, providerName: string, outcome: 'accepted' | 'rejected'): void {
  const key = `${fileName}#${tcId}`;
  const first = acceptableOutcomes.get(key);
  if (first === undefined) acceptableOutcomes.set(key, `${outcome} by ${providerName}`);
  else if (!first.startsWith(outcome)) {
    throw new Error(`${fileName} tcId ${tcId}: ${providerName} ${outcome} an acceptable case that was ${first}`);
  }
}
