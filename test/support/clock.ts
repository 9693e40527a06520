import type { Clock } from '../../src/app/ports.ts';

export interface ManualClock extends Clock {
  set(date: Date): void;
  advanceMinutes(minutes: number): void;
}

/** Time that moves only when a test moves it. */
export function manualClock(start = new Date('2026-01-15T12:00:00.000Z')): ManualClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    set: (date) => {
      current = date.getTime();
    },
    advanceMinutes: (minutes) => {
      current += minutes * 60_000;
    },
  };
}
