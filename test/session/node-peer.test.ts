/**
 * The session and client-auth pieces against bytes a real peer produced: Node's TLS client
 * talks to Node's TLS server (both OpenSSL) through a recording TCP relay. TLS 1.2 sends
 * everything up to ChangeCipherSpec in the clear (including CertificateRequest and
 * NewSessionTicket), and the client's keylog gives the master secret OpenSSL derived, so
 * our extension negotiation, NewSessionTicket and CertificateRequest parsers and the
 * (extended) master secret derivation are checked against OpenSSL itself, with no engine.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, type KeyObject } from 'node:crypto';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { completeProvider } from '../../hw/complete.js';
import { createNodeProvider } from '../../hw/node.js';
import { issueCertificate } from '../../src/node/pki.js';
import { concatBytes, fromHex, toHex } from '../../src/encoding/bytes.js';
import { ByteReader } from '../../src/encoding/reader.js';
import { chooseClientSignatureScheme, parseCertificateRequest, serverAcceptsRsa } from '../../src/client-auth/certificate-request.js';
import { classicMasterSecret, extendedMasterSecret } from '../../src/session/ems.js';
import { negotiateExtensions, parseExtensionBlock, type Extension, type ExtensionOffer } from '../../src/session/extensions.js';
import { parseNewSessionTicket } from '../../src/session/new-session-ticket.js';
import { checkResumedServerHello, serverResumed, sessionFromHandshake } from '../../src/session/resumption.js';
import { isSessionUsable, parseSession, serializeSession } from '../../src/session/session.js';
import { ExtensionType } from '../../src/handshake/constants.js';

const HS = { clientHello: 1, serverHello: 2, newSessionTicket: 4, certificate: 11, certificateRequest: 13, serverHelloDone: 14, clientKeyExchange: 16 } as const;
/** OpenSSL's SSL_OP_NO_EXTENDED_MASTER_SECRET (bit 0 in OpenSSL 3); Node passes secureOptions through. */
const SSL_OP_NO_EXTENDED_MASTER_SECRET = 1;

const provider = completeProvider(createNodeProvider());
const ca = issueCertificate({ subject: [['CN', 'Capture CA']], ca: true, key: { type: 'rsa', bits: 2048 } });
const server = issueCertificate({ subject: [['CN', 'localhost']], issuer: ca, key: { type: 'rsa', bits: 2048 }, dnsNames: ['localhost'] });
/** Shared by every server this file starts, so a ticket from one capture is accepted by the next. */
const TICKET_KEYS = Buffer.alloc(48, 0x5a);

interface Message { readonly type: number; readonly body: Uint8Array; readonly raw: Uint8Array }
interface Flight { readonly messages: Message[] }

/** Handshake messages sent in the clear in one direction (everything before ChangeCipherSpec). */
function clearHandshake(stream: Uint8Array): Flight {
  const r = new ByteReader(stream);
  let hs: Uint8Array = new Uint8Array(0);
  while (r.remaining >= 5) {
    const type = r.u8();
    r.u16();
    const fragment = r.vec16();
    if (type === 20) break;
    if (type === 22) hs = concatBytes(hs, fragment);
  }
  const messages: Message[] = [];
  const m = new ByteReader(hs);
  while (!m.done) {
    const start = m.offset;
    const type = m.u8();
    const body = m.vec24();
    messages.push({ type, body, raw: hs.subarray(start, m.offset) });
  }
  return { messages };
}

function find(f: Flight, type: number): Message | undefined {
  return f.messages.find((m) => m.type === type);
}

/** ClientHello / ServerHello fields this test needs. */
function hello(body: Uint8Array, client: boolean): { random: Uint8Array; sessionId: Uint8Array; suite?: number; extensions: Extension[] } {
  const r = new ByteReader(body);
  r.u16();
  const random = r.bytes(32);
  const sessionId = r.vec8();
  let suite: number | undefined;
  if (client) {
    r.vec16();
    r.vec8();
  } else {
    suite = r.u16();
    r.u8();
  }
  const extensions = r.done ? [] : parseExtensionBlock(r.vec16());
  return { random, sessionId, ...(suite !== undefined ? { suite } : {}), extensions };
}

function offerOf(clientExtensions: Extension[]): ExtensionOffer {
  const has = (t: number) => clientExtensions.some((e) => e.type === t);
  const ticket = clientExtensions.find((e) => e.type === ExtensionType.session_ticket);
  return {
    sessionTicket: ticket === undefined ? false : ticket.body.length > 0 ? ticket.body : true,
    extendedMasterSecret: has(ExtensionType.extended_master_secret),
    encryptThenMac: has(ExtensionType.encrypt_then_mac),
  };
}

/** Raw RSA decryption of the ClientKeyExchange with the server's key, then PKCS#1 v1.5 unpadding. */
function decryptPremaster(cke: Uint8Array, key: KeyObject): Uint8Array {
  const jwk = key.export({ format: 'jwk' });
  const big = (b64: string) => BigInt('0x' + toHex(Buffer.from(b64, 'base64url')));
  const n = big(jwk.n!);
  const d = big(jwk.d!);
  const c = BigInt('0x' + toHex(new ByteReader(cke).vec16()));
  let m = 1n;
  for (let b = c % n, e = d; e > 0n; e >>= 1n, b = (b * b) % n) if (e & 1n) m = (m * b) % n;
  const em = fromHex(m.toString(16).padStart(512, '0'));
  assert.is(em[0], 0);
  assert.is(em[1], 2);
  return em.subarray(em.length - 48);
}

interface Capture {
  readonly client: Flight;
  readonly server: Flight;
  readonly masterSecret: Uint8Array;
  readonly session: Buffer | undefined;
}

async function capture(serverOpts: tls.TlsOptions, clientSession?: Buffer): Promise<Capture> {
  const tlsServer = tls.createServer({
    key: server.keyPem, cert: server.certPem, ca: [ca.certPem], requestCert: true, rejectUnauthorized: false,
    minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', sessionTimeout: 1234, ticketKeys: TICKET_KEYS, ...serverOpts,
  }, (s) => s.end());
  const toServer: Buffer[] = [];
  const toClient: Buffer[] = [];
  const relay = net.createServer((down) => {
    const up = net.connect((tlsServer.address() as net.AddressInfo).port, '127.0.0.1');
    down.on('data', (d: Buffer) => { toServer.push(d); up.write(d); });
    up.on('data', (d: Buffer) => { toClient.push(d); down.write(d); });
    down.on('close', () => up.destroy());
    up.on('close', () => down.destroy());
    down.on('error', () => up.destroy());
    up.on('error', () => down.destroy());
  });
  await new Promise<void>((res) => tlsServer.listen(0, '127.0.0.1', res));
  await new Promise<void>((res) => relay.listen(0, '127.0.0.1', res));
  try {
    let keylog = '';
    let session: Buffer | undefined;
    await new Promise<void>((resolve, reject) => {
      const socket = tls.connect({
        port: (relay.address() as net.AddressInfo).port, host: '127.0.0.1', servername: 'localhost', rejectUnauthorized: false,
        minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: serverOpts.ciphers, ...(clientSession ? { session: clientSession } : {}),
      });
      socket.on('keylog', (line: Buffer) => { keylog += line.toString(); });
      socket.on('session', (s: Buffer) => { session = s; });
      socket.on('error', reject);
      socket.on('data', () => {});
      socket.on('end', () => socket.end());
      socket.on('close', () => resolve());
    });
    const line = /^CLIENT_RANDOM [0-9a-f]{64} ([0-9a-f]{96})$/m.exec(keylog);
    assert.ok(line, 'keylog line');
    return { client: clearHandshake(Buffer.concat(toServer)), server: clearHandshake(Buffer.concat(toClient)), masterSecret: fromHex(line![1]!), session };
  } finally {
    await new Promise<void>((res) => relay.close(() => res()));
    await new Promise<void>((res) => tlsServer.close(() => res()));
  }
}

function sessionHash(c: Capture): Uint8Array {
  // RFC 7627 3: ClientHello through ClientKeyExchange, in the order sent and received.
  const order = [
    ...[HS.clientHello].map((t) => find(c.client, t)!),
    ...c.server.messages.filter((m) => m.type !== HS.newSessionTicket),
    ...c.client.messages.filter((m) => m.type === HS.certificate || m.type === HS.clientKeyExchange),
  ];
  return new Uint8Array(createHash('sha256').update(concatBytes(...order.map((m) => m.raw))).digest());
}

for (const [ciphers, cbc] of [['AES128-SHA256', true], ['AES128-GCM-SHA256', false]] as const) {
  test(`OpenSSL peer, ${ciphers}: ServerHello extensions, CertificateRequest, NewSessionTicket, EMS`, async () => {
    const c = await capture({ ciphers });
    const ch = hello(find(c.client, HS.clientHello)!.body, true);
    const sh = hello(find(c.server, HS.serverHello)!.body, false);
    const offer = offerOf(ch.extensions);
    assert.equal(offer, { sessionTicket: true, extendedMasterSecret: true, encryptThenMac: true });
    const negotiated = negotiateExtensions(sh.extensions, offer, cbc);
    assert.equal(negotiated, { sessionTicket: true, extendedMasterSecret: true, encryptThenMac: cbc });

    const cr = parseCertificateRequest(find(c.server, HS.certificateRequest)!.body);
    assert.ok(serverAcceptsRsa(cr.certificateTypes));
    assert.is(cr.certificateAuthorities.length, 1);
    assert.is(chooseClientSignatureScheme(cr.signatureAlgorithms)!.code, 0x0401);

    const nst = parseNewSessionTicket(find(c.server, HS.newSessionTicket)!.body);
    assert.is(nst.lifetimeHint, 1234);
    assert.ok(nst.ticket.length > 32);

    const premaster = decryptPremaster(find(c.client, HS.clientKeyExchange)!.body, server.key);
    assert.is(toHex(extendedMasterSecret(provider, 'sha256', premaster, sessionHash(c))), toHex(c.masterSecret));

    const now = Date.now();
    const s = sessionFromHandshake({ cipherSuite: sh.suite!, masterSecret: c.masterSecret, sessionId: sh.sessionId, serverName: 'localhost', negotiated, newTicket: nst, now, serverVerified: false })!;
    const stored = parseSession(serializeSession(s));
    assert.ok(isSessionUsable(stored, 'localhost', now + 1000));
    assert.not.ok(isSessionUsable(stored, 'localhost', now + 1234_000));

    // Resumption with OpenSSL's own session: the ticket goes out, the server echoes the ID.
    const again = await capture({ ciphers }, c.session);
    const ch2 = hello(find(again.client, HS.clientHello)!.body, true);
    const sh2 = hello(find(again.server, HS.serverHello)!.body, false);
    const offer2 = offerOf(ch2.extensions);
    assert.is(toHex(offer2.sessionTicket as Uint8Array), toHex(nst.ticket));
    assert.ok(serverResumed(ch2.sessionId, sh2.sessionId));
    assert.not.ok(serverResumed(ch.sessionId, sh.sessionId));
    assert.is(find(again.server, HS.certificate), undefined);
    checkResumedServerHello(stored, sh2.suite!, negotiateExtensions(sh2.extensions, offer2, cbc));
    assert.is(toHex(again.masterSecret), toHex(stored.masterSecret));
  });
}

test('OpenSSL peer without EMS: classic master secret matches, and an EMS session may not resume there', async () => {
  const c = await capture({ ciphers: 'AES256-SHA', secureOptions: SSL_OP_NO_EXTENDED_MASTER_SECRET });
  const ch = hello(find(c.client, HS.clientHello)!.body, true);
  const sh = hello(find(c.server, HS.serverHello)!.body, false);
  const negotiated = negotiateExtensions(sh.extensions, offerOf(ch.extensions), true);
  assert.is(negotiated.extendedMasterSecret, false);
  const premaster = decryptPremaster(find(c.client, HS.clientKeyExchange)!.body, server.key);
  assert.is(toHex(classicMasterSecret(provider, 'sha256', premaster, ch.random, sh.random)), toHex(c.masterSecret));
  const newTicket = parseNewSessionTicket(find(c.server, HS.newSessionTicket)!.body);
  const session = sessionFromHandshake({ cipherSuite: sh.suite!, masterSecret: c.masterSecret, sessionId: sh.sessionId, serverName: 'localhost', negotiated, newTicket, now: Date.now(), serverVerified: false })!;
  assert.is(session.extendedMasterSecret, false);
  checkResumedServerHello(session, sh.suite!, negotiated);
  assert.throws(() => checkResumedServerHello({ ...session, extendedMasterSecret: true }, sh.suite!, negotiated), /used extended master secret/);
});

test.run();
