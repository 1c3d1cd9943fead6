/**
 * A TLS 1.2 server scripted by the test, built from microtls's own record layer and key
 * schedule, for the cases real servers will not produce: a HelloRequest the server does
 * not mind being declined, a wrong Finished, tampered or oversized encrypted records.
 *
 * It cannot decrypt the RSA premaster itself (no private-key operation in the library);
 * the client hands over the master secret through its keylog callback, which runs before
 * the ClientKeyExchange is sent. The client side under test is unchanged.
 */
import net from 'node:net';
import { getDefaultProvider } from '../../hw/index.js';
import { fromHex } from '../../src/encoding/bytes.js';
import { ByteReader } from '../../src/encoding/reader.js';
import { findSuite, type CipherSuite } from '../../src/handshake/cipher-suites.js';
import { createProtection, deriveTrafficKeys, finishedVerifyData } from '../../src/handshake/key-schedule.js';
import { Transcript } from '../../src/handshake/transcript.js';
import { HandshakeAssembler } from '../../src/record/handshake-assembler.js';
import { RecordLayer, type TlsRecord } from '../../src/record/record-layer.js';
import type { RecordProtection } from '../../src/record/protection.js';
import { certificateMessage, hsMessage, serverHelloDone } from './hostile.js';
import { createTestPki } from './pki.js';
import { ByteWriter } from '../../src/encoding/writer.js';

export interface ScriptedConnection {
  readonly suite: CipherSuite;
  readonly records: RecordLayer;
  readonly sock: net.Socket;
  /** Server write protection (after its ChangeCipherSpec), for hand-made records. */
  readonly writeProtection: RecordProtection;
  /** Seals and sends one record. */
  send(type: number, data: Uint8Array): void;
  sendRaw(bytes: Uint8Array): void;
  /** Next decrypted record from the client (waits up to 3 s). */
  nextRecord(): Promise<TlsRecord>;
  /** Bytes of a protected fragment as the record layer would send them, without the length cap. */
  sealFragment(type: number, seq: Uint8Array, data: Uint8Array): Uint8Array;
}

export interface ScriptOptions {
  readonly suite: string;
  /** Corrupts the server's Finished verify_data. */
  readonly badFinished?: boolean;
  /** Accepts the client's max_fragment_length offer with this code (RFC 6066: 1 = 512 ... 4 = 4096). */
  readonly maxFragmentLengthCode?: number;
}

export interface ScriptedServer {
  readonly port: number;
  /** Give this as the client's keylog option. */
  readonly keylog: (line: string) => void;
  readonly connection: Promise<ScriptedConnection>;
  close(): Promise<void>;
}

export async function startScriptedServer(o: ScriptOptions): Promise<ScriptedServer> {
  const provider = getDefaultProvider();
  const suite = findSuite(o.suite)!;
  const pki = createTestPki();
  let masterSecret: Uint8Array | undefined;
  let resolveConn!: (c: ScriptedConnection) => void;
  let rejectConn!: (e: unknown) => void;
  const connection = new Promise<ScriptedConnection>((res, rej) => { resolveConn = res; rejectConn = rej; });
  connection.catch(() => undefined);
  const sockets = new Set<net.Socket>();

  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    const records = new RecordLayer();
    const assembler = new HandshakeAssembler();
    const transcript = new Transcript(provider);
    // Records are decoded on demand, not on arrival: the read protection changes after
    // ChangeCipherSpec, and the client's Finished may arrive in the same TCP chunk.
    let wake: (() => void) | undefined;
    sock.on('data', (d: Buffer) => {
      records.feed(new Uint8Array(d));
      wake?.();
    });
    const nextRecord = async (): Promise<TlsRecord> => {
      const deadline = Date.now() + 3000;
      for (;;) {
        const r = records.nextRecord();
        if (r) return r;
        if (Date.now() > deadline) throw new Error('scripted server: no record from the client within 3 s');
        await new Promise<void>((res) => {
          const t = setTimeout(res, 100);
          wake = () => { clearTimeout(t); wake = undefined; res(); };
        });
      }
    };
    const nextHandshake = async (type: number) => {
      for (;;) {
        const m = assembler.next();
        if (m) {
          if (m.type !== type) throw new Error(`scripted server expected handshake ${type}, got ${m.type}`);
          return m;
        }
        const r = await nextRecord();
        if (r.type !== 22) throw new Error(`scripted server expected a handshake record, got type ${r.type}`);
        assembler.push(r.fragment);
      }
    };
    (async () => {
      const ch = await nextHandshake(1);
      transcript.add(ch.raw);
      const rd = new ByteReader(ch.body);
      rd.u16();
      const clientRandom = rd.bytes(32).slice();
      const serverRandom = provider.randomBytes(32);
      const sh = hsMessage(2, new ByteWriter(80).u16(0x0303).bytes(serverRandom).vec8(new Uint8Array(0)).u16(suite.code).u8(0)
        .prefixed(2, (w) => {
          w.u16(0xff01).vec16(Uint8Array.of(0));
          if (o.maxFragmentLengthCode !== undefined) w.u16(0x0001).vec16(Uint8Array.of(o.maxFragmentLengthCode));
        }).finish());
      const cert = certificateMessage([pki.certPem]);
      const done = serverHelloDone();
      transcript.start(suite.prfHash);
      for (const m of [sh, cert, done]) transcript.add(m);
      sock.write(records.seal(22, new Uint8Array([...sh, ...cert, ...done])));
      records.strictVersion = true;
      const cke = await nextHandshake(16);
      transcript.add(cke.raw);
      const ccs = await nextRecord();
      if (ccs.type !== 20) throw new Error('scripted server expected ChangeCipherSpec');
      if (!masterSecret) throw new Error('scripted server: keylog callback did not run');
      const keys = deriveTrafficKeys(provider, suite, masterSecret, clientRandom, serverRandom);
      records.setReadProtection(createProtection(provider, suite, keys.client, provider.randomBytes));
      const fin = await nextHandshake(20);
      const expectClient = finishedVerifyData(provider, suite, masterSecret, 'client finished', transcript.digest());
      if (Buffer.compare(Buffer.from(expectClient), Buffer.from(fin.body)) !== 0) throw new Error('client Finished wrong');
      transcript.add(fin.raw);
      sock.write(records.seal(20, Uint8Array.of(1)));
      const writeProtection = createProtection(provider, suite, keys.server, provider.randomBytes);
      records.setWriteProtection(writeProtection);
      const vd = finishedVerifyData(provider, suite, masterSecret, 'server finished', transcript.digest());
      if (o.badFinished) vd[0]! ^= 1;
      sock.write(records.seal(22, hsMessage(20, vd)));
      resolveConn({
        suite, records, sock, writeProtection,
        send: (type, data) => sock.write(records.seal(type, data)),
        sendRaw: (bytes) => sock.write(bytes),
        nextRecord,
        sealFragment: (type, seq, data) => writeProtection.seal(type, seq, data),
      });
    })().catch(rejectConn);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    keylog: (line) => { masterSecret = fromHex(line.split(' ')[2]!); },
    connection,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}
