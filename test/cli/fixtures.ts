/**
 * What the command-line tests share: a test PKI written to files (PEM and DER, good and bad
 * keys), and one private mosquitto with the listeners users trip over: plain, TLS with RSA
 * key exchange, TLS requiring a client certificate, ECDHE-only TLS, and TLS whose
 * certificate names another host.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey, issueCertificate, type Issued } from '../../src/node/pki.js';
import { waitFor } from '../helpers/async.js';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.js';

export const RSA_KX_CIPHERS = 'AES256-GCM-SHA384:AES128-GCM-SHA256:AES256-SHA256:AES128-SHA256:AES256-SHA:AES128-SHA';

export interface CliPki {
  dir: string;
  ca: Issued;
  server: Issued;
  otherHost: Issued;
  client: Issued;
  files: {
    caPem: string; caDer: string; clientPem: string; clientDer: string; clientKey: string; clientKeyDer: string;
    encryptedKey: string; otherKey: string; garbage: string; capath: string;
  };
}

let pki: CliPki | undefined;

export function cliPki(): CliPki {
  if (pki) return pki;
  const dir = mkdtempSync(join(tmpdir(), 'microtls-cli-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const ca = issueCertificate({ subject: [['CN', 'microtls CLI test CA']], ca: true, keyUsage: ['keyCertSign', 'cRLSign'] });
  const server = issueCertificate({
    subject: [['CN', 'localhost']], issuer: ca, dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'],
    keyUsage: ['digitalSignature', 'keyEncipherment'], extKeyUsage: ['serverAuth'],
  });
  const otherHost = issueCertificate({
    subject: [['CN', 'broker.example']], issuer: ca, dnsNames: ['broker.example', 'mqtt.example'],
    keyUsage: ['digitalSignature', 'keyEncipherment'], extKeyUsage: ['serverAuth'],
  });
  const client = issueCertificate({ subject: [['CN', 'device-1']], issuer: ca, key: { type: 'rsa', bits: 2048 }, keyUsage: ['digitalSignature'], extKeyUsage: ['clientAuth'] });
  const f = (name: string, content: string | Uint8Array): string => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
  };
  const capath = join(dir, 'capath');
  mkdirSync(capath);
  writeFileSync(join(capath, 'ca.der'), ca.certDer);
  writeFileSync(join(capath, 'README'), 'not a certificate\n');
  pki = {
    dir, ca, server, otherHost, client,
    files: {
      caPem: f('ca.pem', ca.certPem),
      caDer: f('ca.crt', ca.certDer),
      clientPem: f('client.pem', client.certPem),
      clientDer: f('client.der', client.certDer),
      clientKey: f('client.key', client.keyPem),
      clientKeyDer: f('client-key.der', new Uint8Array(client.key.export({ type: 'pkcs8', format: 'der' }))),
      encryptedKey: f('encrypted.key', client.key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' }).toString()),
      otherKey: f('other.key', generateKey({ type: 'rsa', bits: 2048 }).export({ type: 'pkcs8', format: 'pem' }).toString()),
      garbage: f('garbage.pem', 'this is not a certificate\n'),
      capath,
    },
  };
  return pki;
}

export interface CliBroker {
  broker: Mosquitto;
  plain: number;
  tls: number;
  requireCert: number;
  ecdheOnly: number;
  otherHost: number;
}

export async function startCliBroker(): Promise<CliBroker> {
  const p = cliPki();
  const broker = await startMosquitto({
    extraPorts: 4,
    files: {
      'ca.pem': p.ca.certPem, 'server.pem': p.server.certPem, 'server.key': p.server.keyPem,
      'other.pem': p.otherHost.certPem, 'other.key': p.otherHost.keyPem,
    },
    extraConfig: (b) => {
      const tls = (port: number, cert: string, key: string, ciphers: string, extra: string[] = []): string[] => [
        `listener ${port} 127.0.0.1`, `certfile ${b.dir}/${cert}`, `keyfile ${b.dir}/${key}`, 'tls_version tlsv1.2', `ciphers ${ciphers}`, ...extra,
      ];
      return [
        ...tls(b.extraPorts[0]!, 'server.pem', 'server.key', RSA_KX_CIPHERS),
        ...tls(b.extraPorts[1]!, 'server.pem', 'server.key', RSA_KX_CIPHERS, [`cafile ${b.dir}/ca.pem`, 'require_certificate true']),
        ...tls(b.extraPorts[2]!, 'server.pem', 'server.key', 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384'),
        ...tls(b.extraPorts[3]!, 'other.pem', 'other.key', RSA_KX_CIPHERS),
      ];
    },
  });
  const [tls, requireCert, ecdheOnly, otherHost] = broker.extraPorts as [number, number, number, number];
  return { broker, plain: broker.port, tls, requireCert, ecdheOnly, otherHost };
}

/** Waits until the broker log matches (e.g. a client's SUBACK), so a publish is not sent before the subscription. */
export async function waitForLog(broker: Mosquitto, re: RegExp, ms = 15_000): Promise<void> {
  await waitFor(`broker log matching ${re}`, () => re.test(broker.log()), ms).catch((e: Error) => {
    throw new Error(`${e.message}:\n${broker.log().slice(-3000)}`);
  });
}

export const subscribed = (id: string): RegExp => new RegExp(`Sending SUBACK to ${id}\\b`);
