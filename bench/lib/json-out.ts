/**
 * Sections of `npm run bench` run as child processes (so each can have its own V8 flags:
 * --jitless, --expose-gc); a child hands its results back as JSON in the file named by
 * BENCH_JSON. Run alone, a section only prints its tables.
 */
import { writeFileSync } from 'node:fs';

export function writeSectionJson(data: unknown): void {
  const file = process.env.BENCH_JSON;
  if (file) writeFileSync(file, JSON.stringify(data, null, 2));
}
