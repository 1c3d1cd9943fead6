/**
 * The Espruino rows of `npm run bench:engines` (bench/engines.ts imports espruinoEngineRows()):
 * test/device/espruino-figures.ts run twice, the bundle loaded from Storage (as on a device)
 * and evaluated in RAM, each as one engine column. No --jitless Node figure comes from here:
 * the Espruino bundle needs the firmware's crypto module and `net`, which Node does not have.
 */
import type { EngineRow } from '../../bench/engines.js';
import { espruinoFigures, type EspruinoFigures } from './espruino-figures.js';

function rows(f: EspruinoFigures): EngineRow[] {
  const engine = f.load === 'storage' ? 'Espruino' : 'Espruino (RAM)';
  const ms = (c: string, v: number | null): EngineRow => ({ engine, case: c, value: v ?? undefined, unit: 'ms', ...(v === null ? { note: f.errors.find((e) => e.startsWith(c)) ?? 'no result' } : {}) });
  return [
    ms('load bundle', f.loadMs),
    ms('handshake, no verification', f.handshakeMs.noVerify),
    ms('handshake, verification', f.handshakeMs.verify),
    ms('handshake, client certificate 1024', f.handshakeMs.clientCert1024),
    ms('handshake, client certificate 2048', f.handshakeMs.clientCert2048),
    ms('handshake, ticket resumption', f.handshakeMs.ticketResumption),
    ms('MQTT QoS 1 round trip', f.mqttQos1RoundTripMs),
    { engine, case: 'variables in use after load', value: f.memory.afterLoad, unit: 'vars' },
    { engine, case: 'variables in use, peak in a verified handshake', value: f.memory.peakInVerifiedHandshake, unit: 'vars' },
    { engine, case: 'variables in use after MQTT connect (MFL 4096)', value: f.memory.afterMqttConnect ?? undefined, unit: 'vars' },
    { engine: 'Espruino bundle', case: 'size, minified', value: f.bundle.minifiedBytes / 1024, unit: 'KiB' },
    { engine: 'Espruino bundle', case: 'size, gzip', value: f.bundle.gzipBytes / 1024, unit: 'KiB' },
  ];
}

export async function espruinoEngineRows(): Promise<EngineRow[]> {
  const out: EngineRow[] = [];
  for (const load of ['storage', 'ram'] as const) {
    const f = await espruinoFigures(load);
    if (!f) return [];
    out.push(...rows(f).filter((r) => load === 'storage' || r.engine !== 'Espruino bundle'));
  }
  return out;
}
