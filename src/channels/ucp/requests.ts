import { z } from 'zod';

/** Requests are read leniently: unknown keys are kept out of our way, never refused. */
export const searchRequest = z.looseObject({
  query: z.string().max(500).optional(),
  pagination: z
    .looseObject({
      cursor: z.string().max(100).optional(),
      limit: z.number().int().min(1).max(100).optional(),
    })
    .optional(),
});

export const lookupRequest = z.looseObject({
  ids: z.array(z.string().min(1).max(200)).min(1).max(100),
});
