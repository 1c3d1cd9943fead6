/**
 * The package version for `--version` and the help texts, read from package.json so it is
 * never out of date: two levels up from src/cli in a clone, three from dist/src/cli.
 */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function packageVersion(): string {
  if (cached !== undefined) return cached;
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'microtls' && typeof pkg.version === 'string') return (cached = pkg.version);
    } catch {
      // not at this level
    }
  }
  return (cached = 'unknown');
}

/** First lines of every help text, as mosquitto's tools start theirs. */
export function versionLine(command: string): string {
  return `microtls ${command} version ${packageVersion()} (TLS 1.2 with RSA key exchange, MQTT 3.1.1).`;
}
