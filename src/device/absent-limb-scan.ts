/**
 * Stand-in for src/crypto/limb-scan.ts in the Espruino bundle: that kernel runs only where the
 * engine has no E.convolve, and Espruino has it. Without the kernel installed, limb.ts
 * multiplies with the dot-product kernel (E.convolve, or the JS loop), which gives the same limbs.
 */
export {};
