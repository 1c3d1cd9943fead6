/** The @noble/curves implementation behind each supported curve name. */
import { p256, p384, p521 } from '@noble/curves/nist.js';
import type { EcCurveName } from './key-types.js';

export const NOBLE_CURVES = { 'P-256': p256, 'P-384': p384, 'P-521': p521 } as const satisfies Record<EcCurveName, unknown>;
