import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MicroTlsError } from '../../src/errors.js';
import {
  isSessionUsable, parseSession, serializeSession, sessionLifetimeSeconds, validateSession, type TlsSession,
} from '../../src/session/session.js';
import { expectThrown } from '../helpers/thrown.js';

const T0 = Date.UTC(2026, 10, 27, 8, 0, 0);

function bytes(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
}

function sample(over: Partial<TlsSession> = {}): TlsSession {
  return {
    protocol: 'TLSv1.2',
    cipherSuite: 0x009c,
    masterSecret: bytes(48, 1),
    sessionId: bytes(32, 2),
    ticket: bytes(180, 3),
    ticketLifetimeHint: 7200,
    receivedAt: T0,
    serverName: 'broker.example',
    extendedMasterSecret: true,
    encryptThenMac: false,
    maxFragmentLength: 1024,
    ...over,
  };
}


test('round trip keeps every field', () => {
  const s = sample();
  const back = parseSession(serializeSession(s));
  assert.equal(back, s);
});

test('round trip without ticket and without max fragment length', () => {
  const { ticket: _t, maxFragmentLength: _m, ...rest } = sample();
  const s: TlsSession = { ...rest, ticketLifetimeHint: 0 };
  const text = serializeSession(s);
  assert.not.match(text, /ticket"/);
  assert.not.match(text, /maxFragmentLength/);
  const back = parseSession(text);
  assert.equal(back, s);
  assert.is(back.ticket, undefined);
  assert.is(back.maxFragmentLength, undefined);
});

test('ticket-only session (empty session ID) round-trips', () => {
  const s = sample({ sessionId: new Uint8Array(0) });
  assert.equal(parseSession(serializeSession(s)), s);
});

test('the text names its format and version', () => {
  const obj = JSON.parse(serializeSession(sample()));
  assert.is(obj.format, 'microtls-session');
  assert.is(obj.version, 1);
  assert.is(obj.masterSecret.length, 96);
});

function tampered(edit: (o: Record<string, unknown>) => void): string {
  const o = JSON.parse(serializeSession(sample()));
  edit(o);
  return JSON.stringify(o);
}

test('tampered fields are refused with SSL_BAD_INPUT_DATA', () => {
  const cases: Array<[string, (o: Record<string, unknown>) => void, RegExp]> = [
    ['short master secret', (o) => { o.masterSecret = (o.masterSecret as string).slice(2); }, /masterSecret/],
    ['odd hex', (o) => { o.masterSecret = (o.masterSecret as string).slice(1); }, /masterSecret/],
    ['upper-case hex', (o) => { o.ticket = (o.ticket as string).toUpperCase(); }, /ticket/],
    ['non-hex', (o) => { o.sessionId = 'zz'; }, /sessionId/],
    ['long session id', (o) => { o.sessionId = '00'.repeat(33); }, /sessionId/],
    ['empty ticket', (o) => { o.ticket = ''; }, /ticket/],
    ['suite out of range', (o) => { o.cipherSuite = 0x10000; }, /cipherSuite/],
    ['suite as string', (o) => { o.cipherSuite = '0x009c'; }, /cipherSuite/],
    ['fractional lifetime', (o) => { o.ticketLifetimeHint = 1.5; }, /ticketLifetimeHint/],
    ['negative lifetime', (o) => { o.ticketLifetimeHint = -1; }, /ticketLifetimeHint/],
    ['lifetime above u32', (o) => { o.ticketLifetimeHint = 2 ** 32; }, /ticketLifetimeHint/],
    ['receivedAt negative', (o) => { o.receivedAt = -5; }, /receivedAt/],
    ['receivedAt string', (o) => { o.receivedAt = '2026-01-01'; }, /receivedAt/],
    ['empty server name', (o) => { o.serverName = ''; }, /serverName/],
    ['server name number', (o) => { o.serverName = 5; }, /serverName/],
    ['ems as string', (o) => { o.extendedMasterSecret = 'true'; }, /extendedMasterSecret/],
    ['etm as number', (o) => { o.encryptThenMac = 0; }, /encryptThenMac/],
    ['bad MFL', (o) => { o.maxFragmentLength = 8192; }, /maxFragmentLength/],
    ['protocol', (o) => { o.protocol = 'TLSv1.1'; }, /protocol/],
    ['format', (o) => { o.format = 'openssl'; }, /format/],
    ['unknown key', (o) => { o.peerCertificate = 'x'; }, /unknown key "peerCertificate"/],
    ['missing key', (o) => { delete o.encryptThenMac; }, /missing key "encryptThenMac"/],
    ['nothing to resume with', (o) => { o.sessionId = ''; delete o.ticket; }, /neither/],
  ];
  for (const [name, edit, msg] of cases) {
    try {
      parseSession(tampered(edit));
      assert.unreachable(name);
    } catch (e) {
      assert.instance(e, MicroTlsError, name);
      assert.is((e as MicroTlsError).codeName, 'MBEDTLS_ERR_SSL_BAD_INPUT_DATA', name);
      assert.match((e as MicroTlsError).message, msg, name);
    }
  }
});

test('another format version is a version mismatch, not a guess', () => {
  expectThrown(() => parseSession(tampered((o) => { o.version = 2; })), 'MBEDTLS_ERR_SSL_VERSION_MISMATCH', /version 2/);
});

test('garbage is refused', () => {
  for (const text of ['', 'not json', '[]', 'null', '42', '"s"', '{}', '{"format":"microtls-session"}', '{"format":"microtls-session","version":1}']) {
    assert.throws(() => parseSession(text), (e: unknown) => e instanceof MicroTlsError && /SSL_(BAD_INPUT_DATA|VERSION_MISMATCH)/.test(e.codeName), text);
  }
});

test('a maximal ticket round-trips; oversized text is refused before JSON parsing', () => {
  const s = sample({ ticket: new Uint8Array(0xffff).fill(0xab) });
  const text = serializeSession(s);
  assert.equal(parseSession(text), s);
  expectThrown(() => parseSession(text + ' '.repeat(4096)), 'MBEDTLS_ERR_SSL_BAD_INPUT_DATA', /more than a session can take/);
  expectThrown(() => serializeSession(sample({ ticket: new Uint8Array(0x10000) })), 'MBEDTLS_ERR_SSL_BAD_INPUT_DATA', /ticket/);
});

test('serialize refuses an invalid in-memory session', () => {
  expectThrown(() => serializeSession(sample({ masterSecret: new Uint8Array(47) })), 'MBEDTLS_ERR_SSL_BAD_INPUT_DATA', /masterSecret/);
  expectThrown(() => validateSession(sample({ ticket: new Uint8Array(0) })), 'MBEDTLS_ERR_SSL_BAD_INPUT_DATA', /ticket/);
});

test('expiry follows the ticket lifetime hint', () => {
  const s = sample({ ticketLifetimeHint: 300 });
  assert.ok(isSessionUsable(s, 'broker.example', T0));
  assert.ok(isSessionUsable(s, 'broker.example', T0 + 299_999));
  assert.not.ok(isSessionUsable(s, 'broker.example', T0 + 300_000));
  assert.not.ok(isSessionUsable(s, 'broker.example', T0 + 10 * 86400_000));
});

test('hint 0 and session-ID sessions fall back to the max age; long hints are capped', () => {
  assert.is(sessionLifetimeSeconds(sample({ ticketLifetimeHint: 0 })), 86400);
  const { ticket: _t, ...noTicket } = sample({ ticketLifetimeHint: 0 });
  assert.is(sessionLifetimeSeconds(noTicket), 86400);
  assert.is(sessionLifetimeSeconds(noTicket, { maxAgeSeconds: 60 }), 60);
  assert.is(sessionLifetimeSeconds(sample({ ticketLifetimeHint: 0xffffffff }), { maxAgeSeconds: 30 * 86400 }), 7 * 86400);
  assert.is(sessionLifetimeSeconds(sample({ ticketLifetimeHint: 3600 }), { maxAgeSeconds: 60 }), 60);
  assert.not.ok(isSessionUsable(noTicket, 'broker.example', T0 + 86400_000));
  assert.ok(isSessionUsable(noTicket, 'broker.example', T0 + 86399_000));
});

test('a clock that went backwards makes the session unusable', () => {
  assert.not.ok(isSessionUsable(sample(), 'broker.example', T0 - 1));
  assert.not.ok(isSessionUsable(sample(), 'broker.example', Number.NaN));
});

test('never offered to another server name, not even a case or dot variant', () => {
  const s = sample();
  for (const other of ['other.example', 'Broker.example', 'broker.example.', 'BROKER.EXAMPLE', 'broker.example ', '']) {
    assert.not.ok(isSessionUsable(s, other, T0 + 1), other);
  }
  assert.ok(isSessionUsable(s, 'broker.example', T0 + 1));
});

test.run();
