import { z } from 'zod';
import { isLocalDate } from './calendar';
import { emailTemplateIds, type CollectionPolicy } from './policy';

/** Validation of policies that come from outside (a catalogue file); never imported by workflow code. */
const stageSchema = z
  .object({
    key: z
      .string()
      .regex(
        /^[a-zA-Z][a-zA-Z0-9-]{0,39}$/,
        'a short name of letters, digits and dashes, e.g. "firmReminder"',
      ),
    offsetDays: z.number().int().min(-365).max(365),
    anchor: z.enum(['issueDate', 'dueDate']),
    role: z.enum(['system', 'bookkeeper', 'manager', 'agency']),
    email: z.enum(emailTemplateIds).optional(),
    task: z.enum(['secondReminderCall', 'finalNoticeCall']).optional(),
    offersPaymentPlan: z.boolean().optional(),
    agencyHandoff: z.boolean().optional(),
    requiresNoResponseForDays: z.number().int().min(1).max(365).optional(),
  })
  .refine((stage) => stage.email || stage.task || stage.agencyHandoff, {
    message: 'a stage must send an email, open a task or hand off to the agency',
  });

export const collectionPolicySchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and dashes, e.g. "gentle-b2b"'),
    name: z.string().min(1).max(120),
    sendHour: z.number().int().min(0).max(23),
    holidays: z.array(z.string().refine(isLocalDate, 'a date written YYYY-MM-DD')).default([]),
    stages: z.array(stageSchema).min(1).max(20),
    promiseGraceDays: z.number().int().min(0).max(60),
    installmentReminderDaysBefore: z.number().int().min(0).max(30),
    installmentGraceDays: z.number().int().min(0).max(60),
    maxInstallments: z.number().int().min(1).max(60),
  })
  .superRefine((policy, context) => {
    const keys = new Set<string>();
    policy.stages.forEach((stage, index) => {
      if (keys.has(stage.key)) {
        context.addIssue({
          code: 'custom',
          path: ['stages', index, 'key'],
          message: `stage key "${stage.key}" is used twice`,
        });
      }
      keys.add(stage.key);
      const previous = policy.stages[index - 1];
      if (previous && stageOrder(stage) < stageOrder(previous)) {
        context.addIssue({
          code: 'custom',
          path: ['stages', index],
          message: 'stages must be in time order: issue-date stages first, then due-date stages by offset',
        });
      }
      if (stage.agencyHandoff && index !== policy.stages.length - 1) {
        context.addIssue({
          code: 'custom',
          path: ['stages', index],
          message: 'the agency hand-off must be the last stage',
        });
      }
    });
  });

/** Issue-date stages come before every due-date stage; within an anchor, by offset. */
function stageOrder(stage: { anchor: 'issueDate' | 'dueDate'; offsetDays: number }): number {
  return stage.anchor === 'issueDate' ? -1_000 + stage.offsetDays : stage.offsetDays;
}

export function parseCollectionPolicy(input: unknown): CollectionPolicy {
  return collectionPolicySchema.parse(input);
}
