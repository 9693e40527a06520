import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { RequestContext } from '../../app/context.ts';
import type { DomainError } from '../../domain/errors.ts';
import type { Result } from '../../domain/result.ts';
import { HTTP_STATUS } from '../../http/error-status.ts';
import { renderPage } from '../html.tsx';
import { ProblemPage } from './layout.tsx';
import { operatorContext } from './session.ts';

type Form = Record<string, string | string[] | undefined>;

/** A field of a posted form, trimmed; '' when absent. */
export const field = (body: unknown, name: string): string => {
  const value = (body as Form | undefined)?.[name];
  return typeof value === 'string' ? value.trim() : '';
};

export const uuid = z.uuid();
export const wholeNumber = z
  .string()
  .regex(/^\d{1,12}$/, 'must be a whole number')
  .transform(Number);

export const html = (reply: FastifyReply, page: string) =>
  reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page);

export const badInput = (message: string, name: string): DomainError => ({
  code: 'VALIDATION_FAILED',
  message,
  details: { field: name },
});

/** What every signed-in page needs: the admin context, the CSRF token, the refusal page. */
export function pageHelpers() {
  const ctxOf = (request: FastifyRequest): RequestContext => {
    if (!request.consoleSession) throw new Error('console page without a session');
    return operatorContext(request.consoleSession);
  };
  const common = (request: FastifyRequest, reply: FastifyReply) => ({
    csrf: reply.generateCsrf(),
    tenantId: ctxOf(request).tenantId,
  });
  function refused(request: FastifyRequest, reply: FastifyReply, error: DomainError, back: string) {
    reply.code(HTTP_STATUS[error.code]);
    return html(
      reply,
      renderPage(
        <ProblemPage
          {...common(request, reply)}
          code={error.code}
          message={error.message}
          back={back}
        />,
      ),
    );
  }
  /** A use case's result: its value, or the refusal page (and the caller returns it). */
  function orRefuse<T>(
    request: FastifyRequest,
    reply: FastifyReply,
    result: Result<T>,
    back: string,
  ): { ok: true; value: T } | { ok: false; sent: FastifyReply } {
    return result.ok ? result : { ok: false, sent: refused(request, reply, result.error, back) };
  }
  return { ctxOf, common, refused, orRefuse };
}
