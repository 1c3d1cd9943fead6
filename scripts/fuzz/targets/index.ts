import type { FuzzTarget } from '../target.js';
import { mqttTarget } from './mqtt.js';
import { pemTarget } from './pem.js';
import { tlsTarget } from './tls.js';
import { x509Target } from './x509.js';

export const TARGETS: Readonly<Record<string, FuzzTarget>> = { tls: tlsTarget, x509: x509Target, mqtt: mqttTarget, pem: pemTarget };
