/**
 * `microtls probe` with the session and client-certificate flags: --sess-out / --sess-in (as openssl s_client),
 * --cert / --key, --max-frag, --no-ems / --no-etm, against real servers.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { run, parseProbeArgs, type ProbeReport } from '../../src/cli/probe.js';
import { parseSession } from '../../src/session/session.js';
import { issueCertificate } from '../../src/node/pki.js';
import { startNodeServer, startOpensslServer } from '../helpers/servers.js';

const dir = mkdtempSync(join(tmpdir(), 'microtls-probe-session-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function probe(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run([...args, '--timeout', '5000'], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

/** s_server takes a moment to listen: retry while the TCP connection is refused. */
async function probeWhenListening(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  for (let i = 0; ; i++) {
    const r = await probe(args);
    if (![...r.err, ...r.out].some((l) => l.includes('NET_CONNECT_FAILED')) || i >= 100) return r;
    await new Promise((res) => setTimeout(res, 20));
  }
}

test('argument parsing of the new flags', () => {
  const a = parseProbeArgs(['h', '--cert', 'c.pem', '--key', 'k.pem', '--sess-out', 'o', '--sess-in', 'i', '--max-frag', '1024', '--no-ems', '--no-etm']);
  assert.equal([a.cert, a.key, a.sessOut, a.sessIn, a.maxFrag, a.noEms, a.noEtm], ['c.pem', 'k.pem', 'o', 'i', 1024, true, true]);
  assert.throws(() => parseProbeArgs(['h', '--max-frag', '1000']), /512, 1024, 2048 or 4096/);
  assert.throws(() => parseProbeArgs(['h', '--cert', 'c.pem']), /go together/);
});

test('--sess-out then --sess-in: New, then Reused (text and JSON)', async () => {
  const server = await startNodeServer({ ciphers: 'AES128-GCM-SHA256', ticketKeys: Buffer.alloc(48, 7) });
  try {
    const file = join(dir, 'sess.json');
    const first = await probe([`localhost:${server.port}`, '--insecure', '--sess-out', file]);
    assert.is(first.code, 0, first.err.join('\n'));
    assert.match(first.out.join('\n'), /Session {3}: New/);
    assert.is(statSync(file).mode & 0o777, 0o600, 'the session file is private');
    const saved = parseSession(readFileSync(file, 'utf8'));
    assert.is(saved.serverName, 'localhost');
    const second = await probe([`localhost:${server.port}`, '--insecure', '--sess-in', file]);
    assert.match(second.out.join('\n'), /Session {3}: Reused/);
    const third = await probe([`localhost:${server.port}`, '--insecure', '--sess-in', file, '--json']);
    assert.is((JSON.parse(third.out[0]!) as ProbeReport).resumed, true);
    // Another name: the saved session is not offered.
    const other = await probe([`127.0.0.1:${server.port}`, '--insecure', '--sess-in', file, '--json']);
    assert.is((JSON.parse(other.out[0]!) as ProbeReport).resumed, false);
  } finally {
    await server.close();
  }
});

test('--sess-in with a broken file: exit 2 and the reason', async () => {
  const file = join(dir, 'broken.json');
  writeFileSync(file, '{"format":"microtls-session"}');
  const r = await probe(['localhost:1', '--insecure', '--sess-in', file]);
  assert.is(r.code, 2);
  assert.match(r.err.join('\n'), /--sess-in .*broken\.json/);
});

test('--cert / --key: the server authenticates the probe', async () => {
  const ca = issueCertificate({ subject: [['CN', 'Probe CA']], ca: true, keyUsage: ['keyCertSign'] });
  const dev = issueCertificate({ subject: [['CN', 'probe-device']], issuer: ca, key: { type: 'rsa', bits: 1024 }, extKeyUsage: ['clientAuth'] });
  writeFileSync(join(dir, 'dev.pem'), dev.certPem);
  writeFileSync(join(dir, 'dev.key'), dev.keyPem);
  let cn: string | undefined;
  const server = await startNodeServer({ ciphers: 'AES128-GCM-SHA256', requestCert: true, ca: ca.certPem, onSecure: (s: TLSSocket) => { cn = String(s.getPeerCertificate().subject?.CN); } });
  try {
    const r = await probe([`127.0.0.1:${server.port}`, '--insecure', '--cert', join(dir, 'dev.pem'), '--key', join(dir, 'dev.key'), '--json']);
    assert.is(r.code, 0, r.err.join('\n'));
    assert.is(cn, 'probe-device');
  } finally {
    await server.close();
  }
});

test('--max-frag, --no-ems, --no-etm are reported from what the server agreed', async () => {
  const server = await startOpensslServer({ cipher: 'AES128-SHA256', extraArgs: ['-naccept', '2'] });
  try {
    const first = await probeWhenListening([`127.0.0.1:${server.port}`, '--insecure', '--json', '--max-frag', '1024']);
    const on = JSON.parse(first.out[0]!) as ProbeReport;
    const { extendedMasterSecret, encryptThenMac, maxFragmentLength } = on.extensions!;
    assert.equal({ extendedMasterSecret, encryptThenMac, maxFragmentLength }, { extendedMasterSecret: true, encryptThenMac: true, maxFragmentLength: 1024 });
    const off = await probe([`127.0.0.1:${server.port}`, '--insecure', '--no-ems', '--no-etm']);
    assert.match(off.out.join('\n'), /Extended master secret: no; encrypt-then-MAC: no; max fragment length: none/);
  } finally {
    await server.close();
  }
});

test.run();
