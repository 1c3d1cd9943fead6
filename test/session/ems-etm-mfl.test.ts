/**
 * Extended Master Secret (RFC 7627), Encrypt-then-MAC (RFC 7366) and Max Fragment Length
 * (RFC 6066) against real servers. What the server agreed to is read from its own side:
 * s_server's -trace of the ServerHello, Node's server keylog (its master secret must be
 * ours in both EMS modes), and the record sizes on the wire.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, MicroTlsError, type TlsSocket } from '../../src/node/index.js';
import type { ConnectOptions } from '../../src/node/connect.js';
import { connectedSocket, echo, pattern, retryConnect, startNodeServer, startOpensslServer, tapRecords, type RecordTap } from '../helpers/servers.js';
import { withTimeout } from '../helpers/async.js';
import { startScriptedServer } from '../helpers/scripted-server.js';
import { hostileServer, hsMessage, plaintextAlerts, record, serverHello } from '../helpers/hostile.js';

/** OpenSSL's SSL_OP_NO_EXTENDED_MASTER_SECRET (bit 0 in OpenSSL 3); Node passes secureOptions through. */
const SSL_OP_NO_EXTENDED_MASTER_SECRET = 1;

const dir = mkdtempSync(join(tmpdir(), 'microtls-ext-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
let traceNo = 0;

/** s_server with -trace into a file; returns the connection's socket, record tap and the ServerHello trace. */
async function withOpenssl(cipher: string, serverArgs: string[], opts: Partial<ConnectOptions>, body: (s: TlsSocket, tap: RecordTap) => Promise<void>): Promise<string> {
  const trace = join(dir, `trace-${traceNo++}.txt`);
  const server = await startOpensslServer({ cipher, extraArgs: ['-trace', '-msgfile', trace, '-naccept', '1', ...serverArgs] });
  try {
    const transport = await retryConnect(() => connectedSocket(server.port));
    const tap = tapRecords(transport);
    const sock = await connect({ socket: transport, host: 'localhost', verify: false, timeout: 5000, ...opts });
    await body(sock, tap);
    sock.destroy();
  } finally {
    await server.close();
  }
  const text = readFileSync(trace, 'utf8');
  const start = text.indexOf('ServerHello');
  assert.ok(start >= 0, 'the trace shows the ServerHello');
  return text.slice(start, text.indexOf('Certificate', start));
}

test('EMS and ETM are offered by default and s_server uses both (CBC suite)', async () => {
  const sh = await withOpenssl('AES128-SHA256', [], {}, async (s) => {
    assert.is(s.handshake!.extendedMasterSecret, true);
    assert.is(s.handshake!.encryptThenMac, true);
    assert.is((await echo(s, pattern(40_000, 1))).length, 40_000, 'ETM records both ways');
  });
  assert.match(sh, /extended_master_secret/);
  assert.match(sh, /encrypt_then_mac/);
});

test('s_server -no_etm: MAC-then-encrypt records, EMS still used', async () => {
  const sh = await withOpenssl('AES256-SHA', ['-no_etm'], {}, async (s) => {
    assert.is(s.handshake!.encryptThenMac, false);
    assert.is(s.handshake!.extendedMasterSecret, true);
    assert.is((await echo(s, pattern(20_000, 2))).length, 20_000);
  });
  assert.not.match(sh, /encrypt_then_mac/);
});

test('encryptThenMac: false and extendedMasterSecret: false are honoured', async () => {
  const sh = await withOpenssl('AES128-SHA', [], { encryptThenMac: false, extendedMasterSecret: false }, async (s) => {
    assert.is(s.handshake!.encryptThenMac, false);
    assert.is(s.handshake!.extendedMasterSecret, false);
    assert.is((await echo(s, pattern(5000, 3))).length, 5000);
  });
  assert.not.match(sh, /encrypt_then_mac|extended_master_secret/);
});

test('AEAD suite: ETM is not used even though it is offered', async () => {
  await withOpenssl('AES128-GCM-SHA256', [], {}, async (s) => {
    assert.is(s.handshake!.encryptThenMac, false);
    assert.is((await echo(s, pattern(1000, 4))).length, 1000);
  });
});

async function masterSecrets(secureOptions: number | undefined, opts: Partial<ConnectOptions>): Promise<{ ours: string; theirs: string[]; ems: boolean }> {
  const server = await startNodeServer({ ciphers: 'AES128-GCM-SHA256', ...(secureOptions !== undefined ? { secureOptions } : {}) });
  let ours = '';
  try {
    const sock = await connect({ host: '127.0.0.1', port: server.port, verify: false, timeout: 5000, keylog: (l) => { ours = l; }, ...opts });
    await echo(sock, pattern(10, 5));
    sock.destroy();
    return { ours, theirs: server.keylog, ems: sock.handshake!.extendedMasterSecret };
  } finally {
    await server.close();
  }
}

test('Node server: the master secret is the server\'s with EMS, without EMS, and with EMS turned off either side', async () => {
  for (const [secureOptions, opts, ems] of [
    [undefined, {}, true],
    [SSL_OP_NO_EXTENDED_MASTER_SECRET, {}, false],
    [undefined, { extendedMasterSecret: false }, false],
  ] as const) {
    const r = await masterSecrets(secureOptions, opts);
    assert.is(r.ems, ems);
    assert.ok(r.ours.startsWith('CLIENT_RANDOM '));
    assert.ok(r.theirs.includes(r.ours), `server keylog has our line (${ems ? 'EMS' : 'classic'})`);
  }
});

for (const mfl of [512, 1024, 2048, 4096] as const) {
  test(`s_server accepts max_fragment_length ${mfl}: records both ways stay within it`, async () => {
    const sh = await withOpenssl('AES128-GCM-SHA256', [], { maxFragmentLength: mfl }, async (s, tap) => {
      assert.is(s.handshake!.maxFragmentLength, mfl);
      assert.is((await echo(s, pattern(3 * mfl + 17, mfl))).length, 3 * mfl + 17);
      // Everything after the ServerHello record: plaintext records <= mfl, encrypted <= mfl + 8 + 16 (GCM).
      const limit = mfl + 24;
      assert.ok(tap.receivedLengths.slice(1).every((n) => n <= limit), `received records ${tap.receivedLengths.join(',')} within ${limit}`);
      assert.ok(tap.sentLengths.slice(1).every((n) => n <= limit), `sent records ${tap.sentLengths.join(',')} within ${limit}`);
      assert.ok(tap.sent.filter((t) => t === 23).length >= 3, 'application data was split');
    });
    assert.match(sh, /max_fragment_length/);
  });
}

test('MFL with a CBC suite and a client certificate-sized handshake still works (handshake messages are reassembled)', async () => {
  await withOpenssl('AES256-SHA256', [], { maxFragmentLength: 512 }, async (s, tap) => {
    assert.is(s.handshake!.maxFragmentLength, 512);
    assert.ok(tap.received.filter((t) => t === 22).length > 2, 'the server certificate came in several records');
    assert.is((await echo(s, pattern(5000, 6))).length, 5000);
  });
});

// Node's server is OpenSSL 3, which implements the server side of RFC 6066 (since 1.1.1):
// it accepts, and then fragments its own records to the limit.
test('Node\'s server accepts max_fragment_length 1024 and keeps to it', async () => {
  const server = await startNodeServer({ ciphers: 'AES128-CCM' });
  try {
    const transport = await connectedSocket(server.port);
    const tap = tapRecords(transport);
    const sock = await connect({ socket: transport, host: 'localhost', verify: false, timeout: 5000, maxFragmentLength: 1024 });
    assert.is((await echo(sock, pattern(5000, 7))).length, 5000);
    assert.is(sock.handshake!.maxFragmentLength, 1024);
    const limit = 1024 + 24; // CCM: 8-byte explicit nonce + 16-byte tag
    assert.ok(tap.sentLengths.slice(1).every((n) => n <= limit), `sent ${tap.sentLengths.join(',')}`);
    assert.ok(tap.receivedLengths.slice(1).every((n) => n <= limit), `received ${tap.receivedLengths.join(',')}`);
    sock.destroy();
  } finally {
    await server.close();
  }
});

test('maxFragmentLength must be 512, 1024, 2048 or 4096 (configuration error)', async () => {
  const err = await connect({ host: '127.0.0.1', port: 1, verify: false, maxFragmentLength: 1000 as never }).then(() => null, (e: unknown) => e) as MicroTlsError;
  assert.instance(err, MicroTlsError);
  assert.is(err.codeName, 'MBEDTLS_ERR_SSL_BAD_CONFIG');
});

test('hostile: an encrypted record above the negotiated max_fragment_length is record_overflow', async () => {
  const server = await startScriptedServer({ suite: 'TLS_RSA_WITH_AES_128_GCM_SHA256', maxFragmentLengthCode: 1 });
  try {
    const sockP = connect({ host: '127.0.0.1', port: server.port, verify: false, timeout: 5000, maxFragmentLength: 512, keylog: server.keylog, extendedMasterSecret: false });
    const sock = await withTimeout(sockP, 5000, 'handshake');
    assert.is(sock.handshake!.maxFragmentLength, 512);
    const errP = new Promise<MicroTlsError>((res) => sock.once('error', (e) => res(e as MicroTlsError)));
    sock.resume();
    const conn = await server.connection;
    conn.send(23, new Uint8Array(512)); // at the limit: accepted
    conn.send(23, new Uint8Array(513));
    const err = await withTimeout(errP, 5000, 'client error');
    assert.is(err.codeName, 'MBEDTLS_ERR_SSL_INVALID_RECORD');
    assert.match(err.message, /max_fragment_length 512/);
    const alert = await conn.nextRecord();
    assert.is(alert.type, 21);
    assert.equal([...alert.fragment], [2, 22], 'fatal record_overflow');
  } finally {
    await server.close();
  }
});

/** Connects to a server that answers with `reply`; returns the failure and the plaintext alerts we sent. */
async function failAgainst(reply: Parameters<typeof hostileServer>[0], opts: Partial<ConnectOptions>): Promise<{ err: MicroTlsError; alerts: [number, number][] }> {
  const run = await hostileServer(reply);
  try {
    const err = await withTimeout(connect({ host: '127.0.0.1', port: run.port, verify: false, timeout: 3000, ...opts }).then(() => null, (e: unknown) => e), 5000, 'connect') as MicroTlsError;
    assert.instance(err, MicroTlsError);
    await withTimeout(run.clientClosed, 3000, 'client close');
    return { err, alerts: plaintextAlerts(run.afterHello()) };
  } finally {
    await run.close();
  }
}

test('hostile: a plaintext handshake record above the negotiated limit is record_overflow', async () => {
  const { err, alerts } = await failAgainst((sock) => {
    sock.write(record(22, serverHello({ extensions: [[0x0001, Uint8Array.of(1)], [0xff01, Uint8Array.of(0)]] })));
    sock.write(record(22, hsMessage(11, new Uint8Array(600))));
  }, { maxFragmentLength: 512 });
  assert.is(err.codeName, 'MBEDTLS_ERR_SSL_INVALID_RECORD');
  assert.equal(alerts, [[2, 22]]);
});

test('hostile: a max_fragment_length answer that differs from the offer is illegal_parameter', async () => {
  const { err, alerts } = await failAgainst((sock) => {
    sock.write(record(22, serverHello({ extensions: [[0x0001, Uint8Array.of(2)]] })));
  }, { maxFragmentLength: 512 });
  assert.is(err.codeName, 'MBEDTLS_ERR_SSL_BAD_HS_SERVER_HELLO');
  assert.equal(alerts, [[2, 47]]);
});

test('hostile: EMS or ETM in a ServerHello when not offered is unsupported_extension', async () => {
  for (const [ext, opts] of [[23, { extendedMasterSecret: false }], [22, { encryptThenMac: false }]] as const) {
    const { err, alerts } = await failAgainst((sock) => { sock.write(record(22, serverHello({ suite: 0x002f, extensions: [[ext, new Uint8Array(0)]] }))); }, opts);
    assert.is(err.codeName, 'MBEDTLS_ERR_SSL_BAD_HS_SERVER_HELLO');
    assert.equal(alerts, [[2, 110]]);
  }
});

test.run();
