// esbuild plugin for builds that must not contain BigInt (Espruino): every import of
// src/crypto/backend.js, from any file, resolves to src/crypto/backend-limb.ts instead (the
// limb arithmetic and the limb ECDSA), so neither bigint.ts nor @noble/curves is bundled.
//   import { limbBackendPlugin } from './scripts/limb-backend-plugin.mjs';
//   await build({ ..., plugins: [limbBackendPlugin] });
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const CRYPTO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'crypto');
const DEFAULT_BACKEND = join(CRYPTO_DIR, 'backend');
export const LIMB_BACKEND_FILE = join(CRYPTO_DIR, 'backend-limb.ts');

export const limbBackendPlugin = {
  name: 'microtls-limb-backend',
  setup(build) {
    build.onResolve({ filter: /(^|\/)backend(\.js|\.ts)?$/ }, (args) => {
      const target = resolve(args.resolveDir, args.path).replace(/\.(js|ts)$/, '');
      return target === DEFAULT_BACKEND ? { path: LIMB_BACKEND_FILE } : undefined;
    });
  },
};
