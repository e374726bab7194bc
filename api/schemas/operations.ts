import { z } from 'zod';
import { problemKinds } from '../problem-details';

export const problem = z
  .object({
    type: z.string().meta({
      description: 'Stable URI of the kind of problem; GET it for a description.',
      example: '/problems/validation-failed',
    }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().meta({ description: 'What went wrong with this request, and what to do about it.' }),
    requestId: z.string().optional().meta({ description: 'Quote it to the operators; it is in their logs.' }),
    errors: z
      .array(
        z.object({
          in: z.enum(['body', 'query', 'path']),
          path: z.string().meta({ example: 'customer.email' }),
          message: z.string(),
        }),
      )
      .optional()
      .meta({ description: 'With validation-failed: every bad field and what it expects.' }),
  })
  .catchall(z.unknown())
  .meta({ id: 'Problem', description: 'RFC 9457 problem details.' });

export const problemKindPath = z.strictObject({ kind: z.enum(problemKinds) });

export const problemDescription = z
  .object({ type: z.string(), title: z.string(), status: z.number().int(), advice: z.string() })
  .meta({ id: 'ProblemType' });

export const health = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

export const readiness = z
  .object({
    status: z.literal('ready'),
    checks: z.object({ temporal: z.literal('ok'), postgres: z.literal('ok') }),
  })
  .meta({ id: 'Readiness' });
