import type { z } from 'zod';
import { fail, ok, type Result } from './result.ts';
import { findUnstorableText } from './text.ts';

/** Parses input with a schema; a failure names the first wrong field, as every 400 does. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): Result<z.output<S>> {
  const unstorable = findUnstorableText(input);
  if (unstorable) {
    const field = unstorable.path.join('.');
    return fail('VALIDATION_FAILED', `${field ? `${field}: ` : ''}${unstorable.reason}`, {
      ...(field ? { field } : {}),
    });
  }
  const parsed = schema.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : undefined;
  const message = issue ? `${field ? `${field}: ` : ''}${issue.message}` : 'Invalid input.';
  return fail('VALIDATION_FAILED', message, field ? { field } : {});
}
