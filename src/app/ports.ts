/** The outside world, as use cases see it: injected, so tests control time and ids. */
export interface Clock {
  now(): Date;
}

export type IdGenerator = () => string;
