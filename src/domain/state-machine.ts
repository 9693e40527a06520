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
