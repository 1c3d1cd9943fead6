/** `microtls/node`: the TLS client over Node sockets. */
export { connect, DEFAULT_HANDSHAKE_TIMEOUT, type ConnectOptions } from './connect.js';
export { TlsSocket, lastErrors } from './tls-socket.js';
export { keyLogSink, type KeyLogOption } from './keylog.js';
export { MicroTlsError } from '../errors.js';
export { sntpQuery } from './sntp-udp.js';
export { createNodeProvider } from '../../hw/node.js';
export { createMqttJsStream, MqttJsTlsStream } from './mqttjs-stream.js';
export type { PeerCertificate } from './peer-certificate.js';
