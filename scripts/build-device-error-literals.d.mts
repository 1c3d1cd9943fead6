/** Types of scripts/build-device-error-literals.mjs. */
/** `top NAME` / `inner NAME` -> indexes of the parameters typed ErrorName (module-level declarations agree on). */
export function errorNameSinks(root: string): Map<string, Set<number>>;
export function numericErrorNames(code: string, sinks: Map<string, Set<number>>, table: readonly (readonly [number, string, string])[]): { code: string; replaced: number };
