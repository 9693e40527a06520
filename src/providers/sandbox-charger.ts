import type { InstrumentCharger } from '../app/checkout-sessions/ports.ts';

/** The sandbox's test tokens: what an agent hands over decides the outcome. */
export const SANDBOX_TOKENS = {
  success_token: 'succeeded',
  fail_token: 'declined',
  fraud_token: 'fraud',
} as const;

/**
 * Charges an agent's instrument in the sandbox: a token credential `success_token` pays,
 * `fail_token` is declined (insufficient funds), `fraud_token` is refused as fraud, any other
 * token is declined as unknown; a card credential pays (test cards only ever reach the sandbox).
 */
export function createSandboxCharger(): InstrumentCharger {
  return {
    async charge({ instrument }) {
      const credential = instrument.credential ?? {};
      if (credential.type === 'card') return { outcome: 'succeeded' };
      const token = typeof credential.token === 'string' ? credential.token : '';
      const outcome = SANDBOX_TOKENS[token as keyof typeof SANDBOX_TOKENS];
      if (outcome === 'succeeded') return { outcome };
      if (outcome === 'fraud') return { outcome, reason: 'fraud_suspected (sandbox)' };
      if (outcome === 'declined') return { outcome, reason: 'insufficient_funds (sandbox)' };
      return { outcome: 'declined', reason: 'unknown_token (sandbox)' };
    },
  };
}
