import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { codePointText, utf8DecodeLenient, utf8DecodeStrict, utf8Encode } from '../../src/encoding/bytes.js';

test('UTF-8: round trip of ASCII, two-, three- and four-byte sequences, as Node encodes them', () => {
  for (const s of ['', 'abc', 'é', '中文', '€', '😀', 'a😀b\u{10ffff}\uffff', 'x\u0000y']) {
    const bytes = utf8Encode(s);
    assert.equal(Array.from(bytes), Array.from(Buffer.from(s, 'utf8')), s);
    assert.is(utf8DecodeStrict(bytes), s);
  }
});

test('UTF-8: strict decoding refuses overlongs, surrogates, truncation and code points above U+10FFFF; lenient shows U+FFFD', () => {
  for (const bad of [[0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80], [0xff]]) {
    assert.is(utf8DecodeStrict(Uint8Array.from(bad)), undefined, bad.join(','));
  }
  assert.is(utf8DecodeLenient(Uint8Array.of(0x61, 0xff)), 'a\ufffd');
});

test('codePointText is String.fromCodePoint for every plane', () => {
  for (const cp of [0, 0x41, 0xd7ff, 0xe000, 0xffff, 0x10000, 0x1f600, 0x10fc00, 0x10ffff]) assert.is(codePointText(cp), String.fromCodePoint(cp), cp.toString(16));
});

test.run();
