/**
 * Ctrl-C and `kill` for pub and sub: as mosquitto_sub does, the client sends DISCONNECT and
 * the command exits 0, so the broker does not publish the Last Will (that is for a client
 * that vanished, not one that was stopped). A reader that went away (`microtls sub | head -1`)
 * stops it the same way, instead of an EPIPE stack trace.
 */
export interface StopSignal {
  /** Resolves with the signal's name when SIGINT or SIGTERM arrives. */
  readonly stopped: Promise<NodeJS.Signals>;
  /** Removes the handlers (the default behaviour returns). */
  dispose(): void;
}

export function onStopSignal(): StopSignal {
  let handler!: (s: NodeJS.Signals) => void;
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    handler = (s) => resolve(s);
  });
  const onStdoutError = (e: NodeJS.ErrnoException): void => {
    if (e.code === 'EPIPE') handler('SIGPIPE');
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  process.stdout.on('error', onStdoutError);
  return {
    stopped,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      process.stdout.off('error', onStdoutError);
    },
  };
}
