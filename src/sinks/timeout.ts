/** Rejects if `work` takes longer than `ms`: a relay must never wait on a broker forever. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A connection made on first use and made again after it breaks: a broker that is down fails
 * this publish, and a later one reconnects.
 */
export function lazyConnection<C>(open: () => Promise<C>, close: (connection: C) => Promise<void>) {
  let current: Promise<C> | null = null;
  let opened: C | null = null;
  return {
    get(): Promise<C> {
      if (!current) {
        const opening = open();
        current = opening;
        opening.then(
          (connection) => {
            if (current === opening) opened = connection;
          },
          () => {
            if (current === opening) current = null;
          },
        );
      }
      return current;
    },
    /** Forget the connection only if it is still `connection`: an old one's late events must not close a new one. */
    resetIf(connection: C): void {
      if (opened === connection) this.reset();
    },
    /** Forget the connection (it broke); the next `get` opens a new one. */
    reset(): void {
      const broken = current;
      current = null;
      opened = null;
      broken?.then(close, () => {}).catch(() => {});
    },
    async close(): Promise<void> {
      const open = current;
      current = null;
      opened = null;
      if (open) await open.then(close, () => {});
    },
  };
}
