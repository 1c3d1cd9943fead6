/**
 * Session resumption against real servers: RFC 5077 tickets (Node's server with fixed
 * ticket keys, openssl s_server) and session IDs (s_server -no_ticket, Node's server with a
 * session cache and no tickets); declined resumption falls back to a full handshake; a
 * session is never offered to another server name, after it expired, or without a clock.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { TLSSocket } from 'node:tls';
import { constants as osslConstants } from 'node:crypto';
import { connect, MicroTlsError, type TlsSocket } from '../../src/node/index.js';
import type { ConnectOptions } from '../../src/node/connect.js';
import { ByteReader } from '../../src/encoding/reader.js';
import { fixedClock, settableClock } from '../../src/time/clock.js';
import type { TlsSession } from '../../src/session/session.js';
import { issueCertificate } from '../../src/node/pki.js';
import { hostileServer } from '../helpers/hostile.js';
import { createTestPki } from '../helpers/pki.js';
import { echo, pattern, retryConnect, startNodeServer, startOpensslServer, type RunningServer } from '../helpers/servers.js';
import { withTimeout } from '../helpers/async.js';

const TICKET_KEYS = Buffer.alloc(48, 0x33);

async function handshake(port: number, extra: Partial<ConnectOptions> = {}): Promise<TlsSocket> {
  const sock = await retryConnect(() => connect({ host: '127.0.0.1', port, servername: 'localhost', verify: false, timeout: 5000, ...extra }));
  assert.is((await echo(sock, pattern(777, 7))).length, 777, 'data flows');
  return sock;
}

function closeAll(...socks: TlsSocket[]): void {
  for (const s of socks) s.destroy();
}

/**
 * close_notify both ways: OpenSSL drops a session from its cache when the connection ends
 * without one (RFC 5246 7.2.1 lets it), so session-ID resumption needs a clean close.
 */
async function closeCleanly(sock: TlsSocket): Promise<void> {
  const ended = new Promise<void>((r) => { sock.once('end', () => r()); sock.once('close', () => r()); });
  sock.resume();
  sock.end();
  await withTimeout(ended, 5000, 'close_notify exchange');
}

test('ticket resumption with Node\'s server: abbreviated handshake, server agrees it resumed', async () => {
  const reused: boolean[] = [];
  const server = await startNodeServer({ ciphers: 'AES128-GCM-SHA256', ticketKeys: TICKET_KEYS, onSecure: (s: TLSSocket) => { reused.push(s.isSessionReused()); } });
  try {
    const first = await handshake(server.port);
    const session = first.getSession()!;
    assert.ok(session, 'a session after the full handshake');
    assert.ok(session.ticket && session.ticket.length > 0, 'with a ticket');
    assert.ok(session.ticketLifetimeHint > 0, 'and its lifetime hint');
    assert.is(session.serverName, 'localhost');
    assert.is(first.resumed, false);
    const second = await handshake(server.port, { session });
    assert.is(second.resumed, true);
    assert.is(second.handshake!.sessionOffered, true);
    assert.is(second.peerCertificatesDer.length, 0, 'no certificate in an abbreviated handshake');
    assert.is(second.handshake!.certificateRequest, undefined);
    assert.equal(reused, [false, true]);
    // The session stays usable (or is refreshed by a new ticket) for the next reconnect.
    const third = await handshake(server.port, { session: second.getSession()! });
    assert.is(third.resumed, true);
    closeAll(first, second, third);
  } finally {
    await server.close();
  }
});

test('a ticket survives a server restart with the same ticket keys', async () => {
  const a = await startNodeServer({ ciphers: 'AES256-SHA256', ticketKeys: TICKET_KEYS });
  let session: TlsSession;
  try {
    const s = await handshake(a.port);
    session = s.session!;
    s.destroy();
  } finally {
    await a.close();
  }
  const b = await startNodeServer({ ciphers: 'AES256-SHA256', ticketKeys: TICKET_KEYS });
  try {
    const s = await handshake(b.port, { session });
    assert.is(s.resumed, true);
    assert.is(s.handshake!.encryptThenMac, session.encryptThenMac, 'ETM as negotiated again');
    s.destroy();
  } finally {
    await b.close();
  }
});

test('declined: other ticket keys make a full handshake with a new session', async () => {
  const a = await startNodeServer({ ciphers: 'AES128-GCM-SHA256', ticketKeys: TICKET_KEYS });
  const b = await startNodeServer({ ciphers: 'AES128-GCM-SHA256', ticketKeys: Buffer.alloc(48, 0x44) });
  try {
    const s1 = await handshake(a.port);
    const s2 = await handshake(b.port, { session: s1.session! });
    assert.is(s2.handshake!.sessionOffered, true);
    assert.is(s2.resumed, false);
    assert.ok(s2.peerCertificatesDer.length > 0, 'full handshake: the certificate came');
    const fresh = s2.session!;
    assert.not.equal(fresh.masterSecret, s1.session!.masterSecret);
    const s3 = await handshake(b.port, { session: fresh });
    assert.is(s3.resumed, true, 'the new session resumes with the server that issued it');
    closeAll(s1, s2, s3);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('openssl s_server: ticket resumption', async () => {
  const server = await startOpensslServer({ cipher: 'AES256-GCM-SHA384', extraArgs: ['-naccept', '2'] });
  try {
    const s1 = await handshake(server.port);
    assert.ok(s1.session!.ticket);
    await closeCleanly(s1);
    const s2 = await handshake(server.port, { session: s1.session! });
    assert.is(s2.resumed, true);
    s2.destroy();
  } finally {
    await server.close();
  }
});

async function sessionIdResumption(server: RunningServer, suite: string): Promise<void> {
  const s1 = await handshake(server.port, { cipherSuites: [suite] });
  const session = s1.session!;
  assert.is(session.ticket, undefined, 'no ticket from this server');
  assert.is(session.sessionId.length, 32);
  await closeCleanly(s1);
  const s2 = await handshake(server.port, { session });
  assert.is(s2.resumed, true);
  assert.equal(s2.handshake!.sessionId, session.sessionId, 'the server echoed the session ID');
  s2.destroy();
}

test('session-ID resumption: openssl s_server -no_ticket', async () => {
  const server = await startOpensslServer({ cipher: 'AES128-SHA', extraArgs: ['-no_ticket', '-naccept', '2'] });
  try {
    await sessionIdResumption(server, 'AES128-SHA');
  } finally {
    await server.close();
  }
});

test('session-ID resumption: Node server with a session cache and SSL_OP_NO_TICKET', async () => {
  const server = await startNodeServer({ ciphers: 'AES128-CCM', secureOptions: osslConstants.SSL_OP_NO_TICKET, sessionIdCache: true });
  try {
    await sessionIdResumption(server, 'AES128-CCM');
  } finally {
    await server.close();
  }
});

test('client certificate sessions resume without signing again', async () => {
  const ca = issueCertificate({ subject: [['CN', 'Resume CA']], ca: true, keyUsage: ['keyCertSign'] });
  const dev = issueCertificate({ subject: [['CN', 'resume-device']], issuer: ca, key: { type: 'rsa', bits: 1024 }, extKeyUsage: ['clientAuth'] });
  const seen: string[] = [];
  const server = await startNodeServer({ ciphers: 'AES128-GCM-SHA256', requestCert: true, ca: ca.certPem, ticketKeys: TICKET_KEYS, onSecure: (s) => { seen.push(String(s.getPeerCertificate().subject?.CN)); } });
  try {
    const s1 = await handshake(server.port, { cert: dev.certPem, key: dev.keyPem });
    const s2 = await handshake(server.port, { cert: dev.certPem, key: dev.keyPem, session: s1.session! });
    assert.is(s2.resumed, true);
    assert.is(s2.handshake!.clientCertificateSent, false);
    assert.equal(seen, ['resume-device', 'resume-device'], 'the server still knows who we are');
    closeAll(s1, s2);
  } finally {
    await server.close();
  }
});

test('a session whose master secret is wrong: the server\'s first encrypted record fails, nothing is accepted', async () => {
  const server = await startNodeServer({ ciphers: 'AES128-GCM-SHA256', ticketKeys: TICKET_KEYS });
  try {
    const s1 = await handshake(server.port);
    const good = s1.session!;
    const bad: TlsSession = { ...good, masterSecret: good.masterSecret.map((b) => b ^ 1) };
    const err = await withTimeout(connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', verify: false, session: bad, timeout: 5000 })
      .then(() => null, (e: unknown) => e), 8000, 'connect') as MicroTlsError;
    assert.instance(err, MicroTlsError);
    // The server's Finished is the first record under the session keys: with wrong keys its
    // AEAD tag fails before the verify_data could be compared.
    assert.is(err.codeName, 'MBEDTLS_ERR_SSL_INVALID_MAC');
    s1.destroy();
  } finally {
    await server.close();
  }
});

/** What a ClientHello offers for resumption: the session ID length and the ticket extension body. */
async function offered(opts: Partial<ConnectOptions>): Promise<{ sessionId: number; ticket: number | undefined }> {
  const run = await hostileServer((s) => s.end());
  try {
    await withTimeout(connect({ host: '127.0.0.1', port: run.port, verify: false, timeout: 2000, ...opts }).catch(() => undefined), 4000, 'connect');
    const r = new ByteReader(run.clientHello());
    r.bytes(5 + 4 + 2 + 32);
    const sessionId = r.vec8().length;
    r.vec16();
    r.vec8();
    const e = r.sub16();
    let ticket: number | undefined;
    while (!e.done) {
      const type = e.u16();
      const body = e.vec16();
      if (type === 35) ticket = body.length;
    }
    return { sessionId, ticket };
  } finally {
    await run.close();
  }
}

test('offered only to its server name, before it expires, with a set clock', async () => {
  const server = await startNodeServer({ ciphers: 'AES128-GCM-SHA256', ticketKeys: TICKET_KEYS });
  let session: TlsSession;
  try {
    const s = await handshake(server.port);
    session = s.session!;
    s.destroy();
  } finally {
    await server.close();
  }
  const ticketLength = session.ticket!.length;
  assert.equal(await offered({ servername: 'localhost', session }), { sessionId: 32, ticket: ticketLength }, 'control: offered');
  assert.equal(await offered({ servername: 'other.example', session }), { sessionId: 0, ticket: 0 }, 'another server name');
  const expired = fixedClock(new Date(session.receivedAt + (session.ticketLifetimeHint + 1) * 1000));
  assert.equal(await offered({ servername: 'localhost', session, clock: expired }), { sessionId: 0, ticket: 0 }, 'expired by the lifetime hint');
  const justBefore = fixedClock(new Date(session.receivedAt + (session.ticketLifetimeHint - 1) * 1000));
  assert.equal(await offered({ servername: 'localhost', session, clock: justBefore }), { sessionId: 32, ticket: ticketLength }, 'not yet expired');
  assert.equal(await offered({ servername: 'localhost', session, clock: settableClock() }), { sessionId: 0, ticket: 0 }, 'clock not set');
  assert.equal(await offered({ servername: 'localhost', session, extendedMasterSecret: false }), { sessionId: 0, ticket: 0 }, 'an EMS session is not offered without EMS');
  assert.equal(await offered({ servername: 'localhost', session, cipherSuites: ['AES256-CCM'] }), { sessionId: 0, ticket: 0 }, 'its suite is not offered');
  assert.equal(await offered({ servername: 'localhost', session, sessionTickets: false }), { sessionId: 0, ticket: undefined }, 'tickets off and no session ID');
});

test('a verifying client resumes only sessions whose server was verified', async () => {
  const server = await startNodeServer({ ciphers: 'AES128-GCM-SHA256', ticketKeys: TICKET_KEYS });
  const verified: Partial<ConnectOptions> = { verify: true, ca: createTestPki().caCertPem };
  try {
    const unverified = await handshake(server.port);
    assert.is(unverified.session!.serverVerified, undefined);
    const s2 = await handshake(server.port, { ...verified, session: unverified.session! });
    assert.is(s2.handshake!.sessionOffered, false, 'an unverified session is not offered when verifying');
    assert.is(s2.resumed, false);
    assert.is(s2.session!.serverVerified, true);
    const s3 = await handshake(server.port, { ...verified, session: s2.session! });
    assert.is(s3.resumed, true);
    assert.is(s3.session!.serverVerified, true, 'still verified after resumption');
    const s4 = await handshake(server.port, { session: s2.session! });
    assert.is(s4.resumed, true, 'a non-verifying client may use a verified session');
    closeAll(unverified, s2, s3, s4);
  } finally {
    await server.close();
  }
});

test('no clock, no stored session', async () => {
  const server = await startNodeServer({ ciphers: 'AES128-GCM-SHA256', ticketKeys: TICKET_KEYS });
  try {
    const s = await handshake(server.port, { clock: settableClock() });
    assert.ok(s.handshake!.sessionTicket, 'the ticket arrived');
    assert.is(s.getSession(), undefined, 'but without a time it cannot expire, so it is not kept');
    s.destroy();
  } finally {
    await server.close();
  }
});

test.run();
