/** The command line's output sink for in-process runs of `main()`: lines kept, and awaited. */

export interface CapturedIo {
  readonly out: string[];
  readonly err: string[];
  readonly io: { out(line: string): void; err(line: string): void };
  /** Resolves once a stdout line matches; throws with what was printed after `ms`. */
  waitOut(re: RegExp, ms?: number): Promise<void>;
}

export function capture(): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { out: (l) => out.push(l), err: (l) => err.push(l) },
    async waitOut(re, ms = 5000) {
      const end = Date.now() + ms;
      while (!out.some((l) => re.test(l))) {
        if (Date.now() > end) throw new Error(`no output matching ${re} in ${ms} ms; got ${JSON.stringify(out)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}
