/**
 * Minimal typed event emitter, so the portable client needs no Node 'events'. Unlike
 * Node's, an 'error' without listeners is dropped rather than thrown: an MQTT client on a
 * device must not crash because nobody subscribed to a transient reconnect failure.
 */
export type Listener = (...args: never[]) => void;

export class Emitter<Events extends { [K in keyof Events]: Listener }> {
  private readonly listeners = new Map<keyof Events, Listener[]>();

  on<K extends keyof Events>(event: K, listener: Events[K]): this {
    const list = this.listeners.get(event) ?? [];
    list.push(listener);
    this.listeners.set(event, list);
    return this;
  }

  once<K extends keyof Events>(event: K, listener: Events[K]): this {
    const wrapper = Object.assign((...args: Parameters<Events[K]>) => {
      this.off(event, wrapper);
      (listener as unknown as (...a: unknown[]) => void)(...args);
    }, { original: listener }) as unknown as Events[K];
    return this.on(event, wrapper);
  }

  off<K extends keyof Events>(event: K, listener: Events[K]): this {
    const list = this.listeners.get(event);
    if (list) {
      // once() listeners are wrapped; off() with the original must still find them.
      const i = list.findIndex((l) => l === listener || (l as { original?: unknown }).original === listener);
      if (i >= 0) list.splice(i, 1);
    }
    return this;
  }

  removeAllListeners(event?: keyof Events): this {
    if (event === undefined) this.listeners.clear();
    else this.listeners.delete(event);
    return this;
  }

  listenerCount(event: keyof Events): number {
    return this.listeners.get(event)?.length ?? 0;
  }

  protected emit<K extends keyof Events>(event: K, ...args: Parameters<Events[K]>): void {
    const list = this.listeners.get(event);
    // A copy: a listener may remove itself (once) while we iterate.
    if (list) for (const l of list.slice()) (l as unknown as (...a: unknown[]) => void)(...args);
  }
}
