/**
 * "What is it doing?" for a person waiting on probe: when one stage of the work (loading the
 * trusted certificates, the handshake, verifying the chain) has lasted a second, one line on
 * stderr says which, and again every few seconds while it goes on. Fast runs print nothing.
 */
export interface Progress {
  /** A new stage: its clock starts now. */
  stage(what: string): void;
  /** New words for the same stage (e.g. a count), its clock running on. */
  update(what: string): void;
  done(): void;
}

export function progress(print: (line: string) => void, firstMs = 1000, repeatMs = 5000): Progress {
  let what = '';
  let since = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (ms: number): void => {
    timer = setTimeout(() => {
      print(`microtls probe: ${what} (${((Date.now() - since) / 1000).toFixed(1)} s so far)`);
      arm(repeatMs);
    }, ms);
    timer.unref?.();
  };
  return {
    stage(next) {
      if (timer) clearTimeout(timer);
      what = next;
      since = Date.now();
      arm(firstMs);
    },
    update(next) {
      what = next;
    },
    done() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
