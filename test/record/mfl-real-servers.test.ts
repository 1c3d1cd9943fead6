/**
 * max_fragment_length against servers that ignore it. After agreeing to 512, Mbed TLS 3.6's
 * ssl_server2 (the reference device's own stack) sends its Certificate as one larger record,
 * and gnutls-serv echoes records of any size. Strict by default (as OpenSSL's client): the
 * error names the server's violation and the option; with acceptLargerRecords the client
 * takes records up to its receive limit (receiveBufferSize) and still sends at most 512.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect, type ConnectOptions } from '../../src/node/connect.js';
import type { TlsSocket } from '../../src/node/tls-socket.js';
import { MicroTlsError } from '../../src/errors.js';
import { createTestPki } from '../helpers/pki.js';
import { findProgram } from '../helpers/programs.js';
import { HAVE_SSL_SERVER2, SSL_SERVER2_ABSENT, startPeer, startSslServer2, type Peer } from '../helpers/ssl-server2.js';
import { connectedSocket, retryConnect, tapRecords } from '../helpers/servers.js';
import { withTimeout } from '../helpers/async.js';

const HAVE_GNUTLS = findProgram('gnutls-serv') !== undefined;

function sslServer2(extra: string[]): Promise<Peer> {
  return startSslServer2(['force_ciphersuite=TLS-RSA-WITH-AES-128-GCM-SHA256', ...extra]);
}

function gnutlsServ(): Promise<Peer> {
  const pki = createTestPki();
  return startPeer('gnutls-serv', (port) => ['--echo', '-p', String(port), '--x509certfile', pki.chainPath, '--x509keyfile', pki.keyPath,
    '--priority', 'NORMAL:-VERS-ALL:+VERS-TLS1.2:+RSA', '--disable-client-cert']);
}

function open(peer: Peer, extra: Partial<ConnectOptions>): Promise<TlsSocket> {
  return retryConnect(() => connect({ host: '127.0.0.1', port: peer.port, servername: 'localhost', verify: false, timeout: 5000, ...extra }), 50);
}

async function refused(p: Promise<unknown>): Promise<MicroTlsError> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, MicroTlsError);
    return e as MicroTlsError;
  }
  throw new Error('the connection succeeded');
}

/** ssl_server2 answers one request with an HTTP response, then closes. */
async function httpGet(sock: TlsSocket): Promise<string> {
  let text = '';
  sock.on('data', (d: Buffer) => { text += d.toString('latin1'); });
  sock.write('GET / HTTP/1.0\r\n\r\n');
  await withTimeout(new Promise<void>((r) => { sock.on('close', () => r()); sock.on('error', () => r()); }), 5000, 'HTTP response');
  return text;
}

/** gnutls-serv --echo answers per line, in one record: 10,000 bytes ending in a newline. */
const LINE = Buffer.concat([Buffer.alloc(9_999, 0x41), Buffer.from('\n')]);

function lineEcho(sock: TlsSocket): Promise<Buffer> {
  const got: Buffer[] = [];
  let n = 0;
  const done = new Promise<Buffer>((resolve, reject) => {
    sock.on('data', (d: Buffer) => { got.push(d); n += d.length; if (n >= LINE.length) resolve(Buffer.concat(got)); });
    sock.on('error', reject);
  });
  sock.write(LINE);
  return withTimeout(done, 5000, 'gnutls echo');
}

// Where ssl_server2 is absent its cases are not registered; one counted skip says so.
const mbed = (name: string, fn: () => Promise<void>): void => { if (HAVE_SSL_SERVER2) test(name, fn); };
const mbedName = (name: string) => name;
if (!HAVE_SSL_SERVER2) test.skip(`ssl_server2 max_frag_len=512 cases — ${SSL_SERVER2_ABSENT}`, () => undefined);

mbed(mbedName('ssl_server2 max_frag_len=512: refused by default, naming the violation and acceptLargerRecords'), async () => {
  const peer = await sslServer2(['max_frag_len=512']);
  try {
    const err = await refused(open(peer, { maxFragmentLength: 512 }));
    assert.is(err.codeName, 'MBEDTLS_ERR_SSL_INVALID_RECORD', err.message);
    assert.match(err.message, /max_fragment_length 512, which the server agreed to/);
    assert.match(err.message, /acceptLargerRecords/);
  } finally {
    await peer.close();
  }
});

mbed(mbedName('ssl_server2 max_frag_len=512: with acceptLargerRecords the handshake and a request complete; we send records of at most 512'), async () => {
  const peer = await sslServer2(['max_frag_len=512', 'response_size=3000']);
  try {
    const sock = await open(peer, { maxFragmentLength: 512, acceptLargerRecords: true });
    assert.is(sock.handshake!.maxFragmentLength, 512);
    const response = await httpGet(sock);
    assert.match(response, /^HTTP\/1\.0 200 OK/);
    assert.ok(response.length >= 3000, `${response.length} bytes of response`);
  } finally {
    await peer.close();
  }
});

const gnutls = HAVE_GNUTLS ? test : test.skip;
const gnutlsName = (name: string) => (HAVE_GNUTLS ? name : `${name} — needs gnutls-serv (Debian gnutls-bin), absent here`);

gnutls(gnutlsName('gnutls-serv under MFL 512/1024/2048 echoes large records: refused by default, accepted with acceptLargerRecords'), async () => {
  const peer = await gnutlsServ();
  try {
    for (const mfl of [512, 1024, 2048] as const) {
      const strict = await open(peer, { maxFragmentLength: mfl });
      const failed = new Promise<MicroTlsError>((r) => strict.once('error', (e) => r(e as MicroTlsError)));
      strict.write(LINE);
      const err = await withTimeout(failed, 5000, 'strict failure');
      assert.is(err.codeName, 'MBEDTLS_ERR_SSL_INVALID_RECORD', err.message);
      assert.match(err.message, new RegExp(`max_fragment_length ${mfl}, which the server agreed to`));

      const tcp = await connectedSocket(peer.port);
      const tap = tapRecords(tcp);
      const lenient = await open(peer, { maxFragmentLength: mfl, acceptLargerRecords: true, socket: tcp });
      const back = await lineEcho(lenient);
      assert.ok(back.equals(LINE), `MFL ${mfl}: echo intact`);
      assert.ok(Math.max(...tap.receivedLengths) > mfl + 64, `the server did send records over ${mfl}`);
      // Plaintext of at most mfl plus what the suite adds (explicit IV or nonce, MAC or tag, padding).
      assert.ok(Math.max(...tap.sentLengths) <= mfl + 64, `our records stay within ${mfl}: ${Math.max(...tap.sentLengths)}`);
      lenient.destroy();
    }
  } finally {
    await peer.close();
  }
});

test('receiveBufferSize below the requested maxFragmentLength is a configuration error', async () => {
  const err = await refused(connect({ host: '127.0.0.1', port: 1, verify: false, maxFragmentLength: 4096, receiveBufferSize: 2048 }));
  assert.is(err.codeName, 'MBEDTLS_ERR_SSL_BAD_CONFIG');
});

test.run();
