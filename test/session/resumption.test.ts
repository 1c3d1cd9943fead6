import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MicroTlsError } from '../../src/errors.js';
import type { ExtensionOffer, NegotiatedExtensions } from '../../src/session/extensions.js';
import { checkResumedServerHello, serverResumed, sessionFromHandshake, sessionMatchesOffer } from '../../src/session/resumption.js';
import { parseSession, serializeSession, type TlsSession } from '../../src/session/session.js';

const T0 = Date.UTC(2026, 10, 27, 8, 0, 0);
const SESSION: TlsSession = {
  protocol: 'TLSv1.2', cipherSuite: 0x009c, masterSecret: new Uint8Array(48).fill(5), sessionId: new Uint8Array(32).fill(6),
  ticket: new Uint8Array(100).fill(7), ticketLifetimeHint: 3600, receivedAt: T0, serverName: 'b.example',
  extendedMasterSecret: true, encryptThenMac: false,
};
const OFFER: ExtensionOffer = { sessionTicket: true, extendedMasterSecret: true, encryptThenMac: true };
const AGREED: NegotiatedExtensions = { sessionTicket: false, extendedMasterSecret: true, encryptThenMac: false };

function expectHelloError(fn: () => unknown, alert: number, text: RegExp): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, MicroTlsError);
    assert.is((e as MicroTlsError).codeName, 'MBEDTLS_ERR_SSL_BAD_HS_SERVER_HELLO');
    assert.is((e as MicroTlsError).info.alert, alert);
    assert.match((e as MicroTlsError).message, text);
    return;
  }
  assert.unreachable('expected BAD_HS_SERVER_HELLO');
}

test('an EMS session is not offered without EMS; MFL must match the session', () => {
  assert.ok(sessionMatchesOffer(SESSION, OFFER));
  assert.not.ok(sessionMatchesOffer(SESSION, { ...OFFER, extendedMasterSecret: false }));
  assert.ok(sessionMatchesOffer({ ...SESSION, extendedMasterSecret: false }, { ...OFFER, extendedMasterSecret: false }));
  assert.not.ok(sessionMatchesOffer(SESSION, { ...OFFER, maxFragmentLength: 1024 }));
  assert.ok(sessionMatchesOffer({ ...SESSION, maxFragmentLength: 1024 }, { ...OFFER, maxFragmentLength: 1024 }));
  assert.not.ok(sessionMatchesOffer({ ...SESSION, maxFragmentLength: 1024 }, { ...OFFER, maxFragmentLength: 512 }));
});

test('serverResumed: echo of a non-empty offered ID', () => {
  const id = new Uint8Array(32).fill(9);
  assert.ok(serverResumed(id, id.slice()));
  const other = id.slice();
  other[31] = 0;
  assert.not.ok(serverResumed(id, other));
  assert.not.ok(serverResumed(id, id.subarray(0, 31)));
  assert.not.ok(serverResumed(new Uint8Array(0), new Uint8Array(0)));
});

test('resumed ServerHello must keep suite and EMS', () => {
  checkResumedServerHello(SESSION, 0x009c, AGREED);
  expectHelloError(() => checkResumedServerHello(SESSION, 0x009d, AGREED), 47, /0x009c.*0x009d/);
  expectHelloError(() => checkResumedServerHello(SESSION, 0x009c, { ...AGREED, extendedMasterSecret: false }), 40, /used extended master secret/);
  expectHelloError(() => checkResumedServerHello({ ...SESSION, extendedMasterSecret: false }, 0x009c, AGREED), 40, /did not use/);
  expectHelloError(() => checkResumedServerHello(SESSION, 0x009c, { ...AGREED, maxFragmentLength: 512 }), 47, /max_fragment_length 512/);
  checkResumedServerHello({ ...SESSION, maxFragmentLength: 512 }, 0x009c, { ...AGREED, maxFragmentLength: 512 });
  // ETM is per connection.
  checkResumedServerHello(SESSION, 0x009c, { ...AGREED, encryptThenMac: true });
});

test('sessionFromHandshake: ticket, session ID, or nothing', () => {
  const base = {
    cipherSuite: 0x003c, masterSecret: new Uint8Array(48).fill(1), sessionId: new Uint8Array(0), serverName: 'x.example',
    negotiated: { sessionTicket: true, extendedMasterSecret: true, encryptThenMac: true, maxFragmentLength: 4096 } as NegotiatedExtensions, now: T0,
    serverVerified: false,
  };
  const withTicket = sessionFromHandshake({ ...base, newTicket: { lifetimeHint: 600, ticket: new Uint8Array(50).fill(3) } })!;
  assert.is(withTicket.ticket!.length, 50);
  assert.is(withTicket.ticketLifetimeHint, 600);
  assert.is(withTicket.maxFragmentLength, 4096);
  assert.ok(withTicket.extendedMasterSecret && withTicket.encryptThenMac);
  assert.equal(parseSession(serializeSession(withTicket)), withTicket);
  assert.is(sessionFromHandshake({ ...base, newTicket: { lifetimeHint: 600, ticket: new Uint8Array(0) } }), undefined);
  assert.is(sessionFromHandshake(base), undefined);
  const byId = sessionFromHandshake({ ...base, sessionId: new Uint8Array(32).fill(2) })!;
  assert.is(byId.ticket, undefined);
  assert.is(byId.ticketLifetimeHint, 0);
  // The stored secret must not alias the engine's buffer (which it may wipe).
  const ms = new Uint8Array(48).fill(8);
  const s = sessionFromHandshake({ ...base, masterSecret: ms, sessionId: new Uint8Array(1).fill(1) })!;
  ms.fill(0);
  assert.is(s.masterSecret[0], 8);
});

test('serverVerified is recorded only when true, and survives the text form', () => {
  const base = {
    cipherSuite: 0x009c, masterSecret: new Uint8Array(48).fill(1), sessionId: new Uint8Array(32).fill(2), serverName: 'x.example',
    negotiated: { sessionTicket: false, extendedMasterSecret: true, encryptThenMac: false } as NegotiatedExtensions, now: T0,
  };
  const unverified = sessionFromHandshake({ ...base, serverVerified: false })!;
  assert.not.ok('serverVerified' in unverified);
  const verified = sessionFromHandshake({ ...base, serverVerified: true })!;
  assert.is(verified.serverVerified, true);
  assert.equal(parseSession(serializeSession(verified)), verified);
  assert.throws(() => parseSession(serializeSession(verified).replace('"serverVerified": true', '"serverVerified": false')), /serverVerified/);
});

test.run();
