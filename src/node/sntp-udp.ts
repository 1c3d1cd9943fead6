/**
 * SNTP over UDP for Node (dgram): one request, one answer, with a timeout. The codec and
 * every check of the answer are in src/time/sntp.ts.
 */
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { MicroTlsError } from '../errors.js';
import { buildSntpRequest, parseSntpResponse, type SntpResult } from '../time/sntp.js';
import type { SettableClock } from '../time/clock.js';

export async function sntpQuery(host: string, port = 123, timeoutMs = 5000): Promise<SntpResult> {
  let address: { address: string; family: number };
  try {
    address = await lookup(host);
  } catch (err) {
    throw new MicroTlsError('NET_UNKNOWN_HOST', `SNTP server ${host}: ${err instanceof Error ? err.message : String(err)}`, {}, { cause: err });
  }
  const socket = createSocket(address.family === 6 ? 'udp6' : 'udp4');
  const request = buildSntpRequest(Date.now());
  try {
    return await new Promise<SntpResult>((resolve, reject) => {
      const timer = setTimeout(() => reject(new MicroTlsError('SSL_TIMEOUT', `SNTP server ${host}:${port} did not answer within ${timeoutMs} ms`)), timeoutMs);
      socket.on('error', (err) => {
        clearTimeout(timer);
        reject(new MicroTlsError('NET_SEND_FAILED', `SNTP ${host}:${port}: ${err.message}`, {}, { cause: err }));
      });
      socket.on('message', (msg, rinfo) => {
        // Answers from elsewhere are ignored, not fatal: anyone can send a datagram.
        if (rinfo.address !== address.address || rinfo.port !== port) return;
        const t4 = Date.now();
        clearTimeout(timer);
        try {
          resolve(parseSntpResponse(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), request, t4));
        } catch (err) {
          reject(err);
        }
      });
      socket.send(request.packet, port, address.address);
    });
  } finally {
    socket.close();
  }
}

/** Queries `host` and sets `clock` from the answer. */
export async function syncClock(clock: SettableClock, host: string, port = 123, timeoutMs = 5000): Promise<SntpResult> {
  const result = await sntpQuery(host, port, timeoutMs);
  clock.set(new Date(Date.now() + result.offsetMs));
  return result;
}
