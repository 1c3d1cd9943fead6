/**
 * src/x509/asn1js-globals.ts gives engines without TextDecoder (QuickJS, Espruino) the one
 * asn1js constructs at load. Its fatal mode (the one asn1js uses) must match the WHATWG
 * decoder exactly; Node has the real one to compare with, and keeps it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Utf8OnlyTextDecoder } from '../../src/x509/asn1js-globals.js';

const CASES: number[][] = [
  [], [0x41], [0x68, 0xc3, 0xa9], [0xef, 0xbb, 0xbf, 0x41], [0xf0, 0x9f, 0x98, 0x80],
  [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0x41, 0xff, 0x42], [0xf4, 0x90, 0x80, 0x80], [0x80],
];

function run(D: new (l: string, o: { fatal: boolean; ignoreBOM: boolean }) => { decode(b: Uint8Array): string },
  bytes: Uint8Array, fatal: boolean, ignoreBOM: boolean): string {
  try {
    return JSON.stringify(new D('utf-8', { fatal, ignoreBOM }).decode(bytes));
  } catch (e) {
    return `throws ${(e as Error).name}`;
  }
}

test('Node keeps its own TextDecoder (the shim installs only where none exists)', () => {
  assert.is.not(globalThis.TextDecoder as unknown, Utf8OnlyTextDecoder);
});

test('fatal mode matches the WHATWG decoder, BOM handling included', () => {
  for (const c of CASES) {
    const bytes = new Uint8Array(c);
    for (const ignoreBOM of [true, false]) {
      assert.is(run(Utf8OnlyTextDecoder, bytes, true, ignoreBOM), run(TextDecoder, bytes, true, ignoreBOM), `${c} ignoreBOM=${ignoreBOM}`);
    }
  }
});

test('decodes views at an offset and ArrayBuffers; refuses other encodings', () => {
  const buf = new Uint8Array([0x00, 0x68, 0xc3, 0xa9, 0x00]);
  assert.is(new Utf8OnlyTextDecoder('utf-8', { fatal: true }).decode(buf.subarray(1, 4)), 'hé');
  assert.is(new Utf8OnlyTextDecoder('UTF8').decode(buf.slice(1, 4).buffer), 'hé');
  assert.throws(() => new Utf8OnlyTextDecoder('latin1'), /unsupported encoding/);
});

test.run();
