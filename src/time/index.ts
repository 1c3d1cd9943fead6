/** Clock and SNTP codec (portable). The UDP transport for Node is src/node/sntp-udp.ts. */
export { fixedClock, getDefaultClock, setDefaultClock, settableClock, systemClock, type Clock, type SettableClock } from './clock.js';
export { buildSntpRequest, parseSntpResponse, toNtpTimestamp, fromNtpTimestamp, type SntpRequest, type SntpResult } from './sntp.js';
