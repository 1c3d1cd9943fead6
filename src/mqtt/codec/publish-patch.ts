/**
 * In-place edits of an encoded PUBLISH. A message is validated and encoded once, when the
 * caller publishes; its packet id is only known when it is sent (it may wait in the
 * offline queue) and DUP is only set on a resend, so both are patched into the bytes
 * instead of re-encoding the payload.
 */
function packetIdOffset(bytes: Uint8Array): number {
  let i = 1;
  while (bytes[i]! & 0x80) i++;
  i++; // past the remaining length
  const topicLength = (bytes[i]! << 8) | bytes[i + 1]!;
  return i + 2 + topicLength;
}

export function setPublishPacketId(bytes: Uint8Array, id: number): void {
  const off = packetIdOffset(bytes);
  bytes[off] = id >> 8;
  bytes[off + 1] = id & 0xff;
}

export function setPublishDup(bytes: Uint8Array): void {
  bytes[0] = bytes[0]! | 0x08;
}
