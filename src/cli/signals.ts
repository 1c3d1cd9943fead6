/**
 * Ctrl-C and `kill` for pub and sub: as mosquitto_sub does, the client sends DISCONNECT and
 * the command exits 0, so the broker does not publish the Last Will (that is for a client
 * that vanished, not one that was stopped).
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
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    stopped,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
