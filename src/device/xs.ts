/**
 * The XS / QuickJS / browser entry (dist/device/microtls.xs.js): the portable core's names
 * (TlsClient, verifyChain, describeCertificate, the crypto functions, the error table...),
 * the MQTT client, and connect() over Moddable's TCP sockets.
 */
export * from '../index.js';
export { xsProvider } from './xs-provider.js';
export { completeProvider } from '../../hw/complete.js';
export type { CryptoProvider, FullCryptoProvider } from '../../hw/provider.js';
export { MqttClient, whenConnected, parseBrokerUrl } from '../mqtt/index.js';
export type { MqttClientEvents, MqttClientOptions, MqttStatus, PublishOptions, SubscribeOptions, DuplexLike, TransportFactory } from '../mqtt/index.js';
export { connect, connectMqtt, moddableByteStream, moddableClock, moddableRandom, moddableTimers } from './moddable.js';
export type { DeviceMqttSettings, ModdableConnectOptions, ModdableSockets } from './moddable.js';
export { connectTls, DeviceTlsSocket, type DeviceTlsOptions } from './tls-stream.js';
export { ecma419ByteStream } from './moddable-tcp.js';
export type { Ecma419DnsConfig, Ecma419SocketConfig, Ecma419Tcp, Ecma419TcpClass } from './moddable-tcp.js';
export { moddableSocketByteStream, type ModdableSocket, type ModdableSocketClass } from './moddable-socket.js';
export type { ByteStream, ByteStreamEvents, OpenByteStream } from './byte-stream.js';
export { digest, hmacOnce } from '../../hw/complete.js';
export { fromHex, toHex, utf8Encode, utf8DecodeStrict } from '../encoding/bytes.js';
