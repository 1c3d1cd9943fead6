/** MQTT 3.1.1 codec: portable (Uint8Array only, no Node APIs). */
export * from './packets.js';
export { encodePacket } from './encode.js';
export { decodePacket } from './decode.js';
export { PacketReader, type PacketReaderOptions } from './reader.js';
export { checkTopicFilter, checkTopicName } from './rules.js';
export { MqttProtocolError, MqttConnackError, CONNACK_RETURN_CODES, type ConnackReturnCode } from '../errors.js';
export { setPublishDup, setPublishPacketId } from './publish-patch.js';
