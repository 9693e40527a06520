import { v7 as uuidv7 } from 'uuid';
import type { Clock, IdGenerator } from './app/ports.ts';

/** The real clock and id source; only the composition root hands these out. */
export const systemClock: Clock = { now: () => new Date() };
export const newTimeOrderedId: IdGenerator = () => uuidv7();
