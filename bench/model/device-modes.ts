/** The reference device's five handshake modes and its measured times (manual, section 2.5). */
export type DeviceModeId = 'none' | 'verify' | 'cc1024' | 'cc2048' | 'resume';

export interface DeviceMode {
  id: DeviceModeId;
  label: string;
  /** The device's table, ClientHello to first MQTT frame. */
  deviceMs: number;
  deviceText: string;
}

export const DEVICE_MODES: readonly DeviceMode[] = [
  { id: 'none', label: 'without certificate verification', deviceMs: 275, deviceText: '275' },
  { id: 'verify', label: 'with certificate verification', deviceMs: 460, deviceText: '460' },
  { id: 'cc1024', label: 'client certificate (1024 bit)', deviceMs: 1400, deviceText: '1400' },
  { id: 'cc2048', label: 'client certificate (2048 bit)', deviceMs: 6000, deviceText: '~6000' },
  { id: 'resume', label: 'session ticket resumption', deviceMs: 55, deviceText: '55' },
];
