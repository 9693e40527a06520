import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { type DomainError, ERROR_MESSAGES, type ErrorCode } from '../domain/errors.ts';
import type { Result } from '../domain/result.ts';
import { HTTP_STATUS } from './error-status.ts';

/** `{ success: true, data }`: every successful answer. */
export function okEnvelope<T extends z.ZodType>(data: T) {
  return z.object({ success: z.literal(true), data });
}

export const errorEnvelope = z
  .object({
    success: z.literal(false),
    error: z.enum(Object.keys(ERROR_MESSAGES) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({
    id: 'Error',
    description:
      'Every failure: a stable code, a human message, and details such as the wrong field',
  });

/** The error statuses a route can answer with, all in the one envelope. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(statuses.map((status) => [status, errorEnvelope]));
}

export function sendError(reply: FastifyReply, error: DomainError) {
  const body: z.infer<typeof errorEnvelope> = {
    success: false,
    error: error.code,
    message: error.message,
  };
  if (error.details !== undefined) body.details = { ...error.details };
  return reply.code(HTTP_STATUS[error.code]).send(body);
}

/** Sends a use case's result: its value, presented, or its error in the envelope. */
export function sendResult<T, D>(
  reply: FastifyReply,
  result: Result<T>,
  present: (value: T) => D,
  status = 200,
) {
  if (!result.ok) return sendError(reply, result.error);
  return reply.code(status).send({ success: true as const, data: present(result.value) });
}
