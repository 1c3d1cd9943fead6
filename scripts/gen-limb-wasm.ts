/**
 * npm run gen:wasm — writes src/crypto/limb-wasm-bytes.ts from the kernel's source
 * (src/crypto/limb-wasm-emit.ts). test/crypto/limb-wasm.test.ts fails when the committed file
 * differs from what the source emits.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { limbWasmBytesModule } from '../src/crypto/limb-wasm-emit.js';

const out = fileURLToPath(new URL('../src/crypto/limb-wasm-bytes.ts', import.meta.url));
writeFileSync(out, limbWasmBytesModule());
console.log(`wrote ${out}`);
