import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler as zodValidatorCompiler } from 'fastify-type-provider-zod';
import type { ZodType } from 'zod';
import { findUnstorableText } from '../domain/text.ts';

/** A request part that holds text the database cannot store; the error handler names the field. */
export class UnstorableTextError extends Error {
  readonly statusCode = 400;
  /** Set by Fastify: body, params, querystring or headers. */
  validationContext?: string;
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(reason);
  }
}

/**
 * The validator of every route schema: zod's, after one check that every string (and key) of
 * the part is text the database can store, so that no route can forget it.
 */
export const validatorCompiler: FastifySchemaCompiler<ZodType> = (route) => {
  const validate = zodValidatorCompiler(route);
  return (data) => {
    const unstorable = findUnstorableText(data);
    if (unstorable) {
      return { error: new UnstorableTextError(unstorable.path.join('.'), unstorable.reason) };
    }
    return validate(data);
  };
};
