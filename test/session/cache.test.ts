import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MicroTlsError } from '../../src/errors.js';
import { SessionCache } from '../../src/session/cache.js';
import type { TlsSession } from '../../src/session/session.js';

const T0 = Date.UTC(2026, 10, 27, 8, 0, 0);

function session(serverName: string, over: Partial<TlsSession> = {}): TlsSession {
  return {
    protocol: 'TLSv1.2', cipherSuite: 0x002f, masterSecret: new Uint8Array(48).fill(serverName.length),
    sessionId: new Uint8Array(32).fill(7), ticketLifetimeHint: 0, receivedAt: T0, serverName,
    extendedMasterSecret: true, encryptThenMac: true, ...over,
  };
}

test('get returns the stored session for the same name only', () => {
  const c = new SessionCache();
  const a = session('a.example');
  c.set(a);
  assert.is(c.get('a.example', T0 + 1), a);
  assert.is(c.get('b.example', T0 + 1), undefined);
  assert.is(c.get('A.example', T0 + 1), undefined);
});

test('LRU bound: the least recently used entry is evicted', () => {
  const c = new SessionCache({ maxEntries: 3 });
  for (const n of ['a', 'b', 'c']) c.set(session(n));
  assert.ok(c.get('a', T0));
  c.set(session('d'));
  assert.is(c.size, 3);
  assert.equal(c.names(), ['c', 'a', 'd']);
  assert.is(c.get('b', T0), undefined);
  for (let i = 0; i < 100; i++) c.set(session(`host${i}`));
  assert.is(c.size, 3);
  assert.equal(c.names(), ['host97', 'host98', 'host99']);
});

test('replacing a session for the same name keeps one entry', () => {
  const c = new SessionCache({ maxEntries: 2 });
  c.set(session('a'));
  const newer = session('a', { receivedAt: T0 + 5 });
  c.set(newer);
  assert.is(c.size, 1);
  assert.is(c.get('a', T0 + 10), newer);
});

test('expired sessions are dropped on get', () => {
  const c = new SessionCache({ maxAgeSeconds: 60 });
  c.set(session('a'));
  assert.ok(c.get('a', T0 + 59_000));
  assert.is(c.get('a', T0 + 60_000), undefined);
  assert.is(c.size, 0);
  c.set(session('t', { ticket: new Uint8Array(10).fill(1), ticketLifetimeHint: 10 }));
  assert.is(c.get('t', T0 + 10_000), undefined);
});

test('delete and clear', () => {
  const c = new SessionCache();
  c.set(session('a'));
  c.set(session('b'));
  assert.ok(c.delete('a'));
  assert.not.ok(c.delete('a'));
  assert.is(c.size, 1);
  c.clear();
  assert.is(c.size, 0);
});

test('maxEntries must be a positive integer', () => {
  for (const bad of [0, -1, 1.5, Number.NaN]) {
    assert.throws(() => new SessionCache({ maxEntries: bad }), (e: unknown) => e instanceof MicroTlsError && e.codeName === 'MBEDTLS_ERR_SSL_BAD_CONFIG');
  }
});

test.run();
