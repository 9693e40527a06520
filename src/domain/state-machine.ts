import { fail, ok, type Result } from './result.ts';

/**
 * A state machine declared as data: for each state, the actions it accepts and the state each
 * leads to. A state with no actions is terminal. The table is checked when its module loads,
 * so a typo in a target state fails at start-up rather than in production.
 */
export type TransitionTable<S extends string, A extends string> = Readonly<
  Record<S, Readonly<Partial<Record<A, S>>>>
>;

export interface StateMachine<S extends string, A extends string> {
  readonly table: TransitionTable<S, A>;
  readonly states: readonly S[];
  /** The state `action` leads to from `from`, or INVALID_TRANSITION with the allowed actions. */
  next(from: S, action: A): Result<S>;
  allowedActions(from: S): A[];
  isTerminal(state: S): boolean;
}

export function defineStateMachine<S extends string, A extends string>(
  name: string,
  table: TransitionTable<S, A>,
): StateMachine<S, A> {
  const states = Object.keys(table) as S[];
  for (const from of states) {
    for (const [action, to] of Object.entries(table[from]) as [A, S][]) {
      if (!states.includes(to)) {
        throw new Error(`${name}: ${from} --${action}--> ${to} targets an unknown state`);
      }
    }
  }
  const allowedActions = (from: S): A[] => Object.keys(table[from]) as A[];
  return {
    table,
    states,
    allowedActions,
    isTerminal: (state) => allowedActions(state).length === 0,
    next(from, action) {
      const to = table[from][action];
      if (to === undefined) {
        return fail('INVALID_TRANSITION', `Cannot ${actionWords(action)} while ${from}.`, {
          machine: name,
          from,
          action,
          allowedActions: allowedActions(from),
        });
      }
      return ok(to);
    },
  };
}

function actionWords(action: string): string {
  return action.toLowerCase().replaceAll('_', ' ');
}

/**
 * A lifecycle declared as data: for each status, the statuses it may move to. Used where the
 * caller names the target (`PUT /orders/:id/status {newStatus}`) rather than an action.
 */
export type LifecycleTable<S extends string> = Readonly<Record<S, readonly S[]>>;

export interface Lifecycle<S extends string> {
  readonly table: LifecycleTable<S>;
  readonly states: readonly S[];
  /** Ok when `from → to` is in the table; otherwise INVALID_TRANSITION with the allowed targets. */
  check(from: S, to: S): Result<S>;
  /** The statuses from which `to` may be reached: the guard of a conditional UPDATE. */
  sourcesOf(to: S): S[];
  isTerminal(state: S): boolean;
}

export function defineLifecycle<S extends string>(
  name: string,
  table: LifecycleTable<S>,
): Lifecycle<S> {
  const states = Object.keys(table) as S[];
  for (const from of states) {
    for (const to of table[from]) {
      if (!states.includes(to))
        throw new Error(`${name}: ${from} -> ${to} targets an unknown state`);
    }
  }
  return {
    table,
    states,
    check(from, to) {
      if (table[from].includes(to)) return ok(to);
      return fail('INVALID_TRANSITION', `Cannot move from ${from} to ${to}.`, {
        machine: name,
        from,
        to,
        allowedTargets: [...table[from]],
      });
    },
    sourcesOf: (to) => states.filter((from) => table[from].includes(to)),
    isTerminal: (state) => table[state].length === 0,
  };
}
