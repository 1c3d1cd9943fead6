/**
 * The peers the live XS tests and the engine bench talk to, on loopback: `openssl s_server`
 * (tickets on; once more with `-Verify 1` for client certificates) and mosquitto's TLS
 * listener limited to TLS 1.2 with RSA key exchange, as the reference device speaks it.
 */
import { issueCertificate } from '../../src/node/pki.js';
import { findMosquitto, startMosquitto, type Mosquitto } from '../helpers/mosquitto.js';
import { tempFile } from '../helpers/chains.js';
import { createTestPki } from '../helpers/pki.js';
import { startOpensslServer, type RunningServer } from '../helpers/servers.js';

export interface ClientCredentialPems {
  readonly cert: string;
  readonly key: string;
}

export interface XsPeers {
  /** The CA of both servers. */
  readonly caPem: string;
  /** A CA that signed neither. */
  readonly otherCaPem: string;
  readonly sServer: RunningServer;
  readonly sServerClientAuth: RunningServer;
  readonly client1024: ClientCredentialPems;
  readonly client2048: ClientCredentialPems;
  readonly mosquitto: Mosquitto | undefined;
  /** mosquitto's TLS port (0 without mosquitto). */
  readonly mqttsPort: number;
  /** mosquitto's plain MQTT port (0 without mosquitto). */
  readonly mqttPort: number;
  close(): Promise<void>;
}

const RSA_KX_CIPHERS = 'AES256-GCM-SHA384:AES128-GCM-SHA256:AES256-SHA256:AES128-SHA256:AES256-SHA:AES128-SHA';

export async function startXsPeers(options: { mosquitto?: boolean } = {}): Promise<XsPeers> {
  const pki = createTestPki();
  const other = issueCertificate({ subject: [['CN', 'unrelated CA']], ca: true, keyUsage: ['keyCertSign', 'cRLSign'] });
  const clientCa = issueCertificate({ subject: [['CN', 'microtls device CA']], ca: true, keyUsage: ['keyCertSign', 'cRLSign'] });
  const device = (bits: 1024 | 2048): ClientCredentialPems => {
    const c = issueCertificate({ subject: [['CN', `device-${bits}`]], issuer: clientCa, key: { type: 'rsa', bits }, extKeyUsage: ['clientAuth'] });
    return { cert: c.certPem, key: c.keyPem };
  };
  const clientCaPath = tempFile(`xs-client-ca-${process.pid}.pem`, clientCa.certPem);
  const sServer = await startOpensslServer({ cipher: RSA_KX_CIPHERS });
  const sServerClientAuth = await startOpensslServer({ cipher: RSA_KX_CIPHERS, extraArgs: ['-Verify', '1', '-CAfile', clientCaPath] });
  let mosquitto: Mosquitto | undefined;
  if (options.mosquitto !== false && findMosquitto()) {
    mosquitto = await startMosquitto({
      extraPorts: 1,
      files: { 'ca.pem': pki.caCertPem, 'server.pem': pki.certPem, 'server.key': pki.keyPem },
      extraConfig: (b) => [
        `listener ${b.extraPorts[0]} 127.0.0.1`,
        `certfile ${b.dir}/server.pem`,
        `keyfile ${b.dir}/server.key`,
        'tls_version tlsv1.2',
        `ciphers ${RSA_KX_CIPHERS}`,
      ],
    });
  }
  return {
    caPem: pki.caCertPem,
    otherCaPem: other.certPem,
    sServer,
    sServerClientAuth,
    client1024: device(1024),
    client2048: device(2048),
    mosquitto,
    mqttsPort: mosquitto?.extraPorts[0] ?? 0,
    mqttPort: mosquitto?.port ?? 0,
    async close() {
      await sServer.close();
      await sServerClientAuth.close();
      await mosquitto?.dispose();
    },
  };
}
