/**
 * Wycheproof RSA PKCS#1 v1.5 on the limb backend's JS kernel: the provider hooks are
 * limb-provider.ts (rsaPublic = limb modExp, rsaPrivate = limb CRT + blinding). The cases and
 * the policy are wycheproof-rsa-engine.ts's.
 */
import { test } from 'uvu';
import crypto from 'node:crypto';
import { createLimbPkProvider } from '../../src/crypto/limb-provider.js';
import { wycheproofRsaTests } from './wycheproof-rsa-engine.js';

const rnd = (n: number): Uint8Array => new Uint8Array(crypto.randomBytes(n));
wycheproofRsaTests('limb backend', createLimbPkProvider(rnd), rnd);

test.run();
