import { z } from 'zod';
import { staffRoles } from '../../domain/roles';
import { taskKinds, taskStatuses } from '../../domain/tasks';
import { expects, instant, queryInteger, text } from './fields';

export const task = z
  .object({
    taskId: z.uuid(),
    invoiceId: z.string(),
    invoiceNumber: z.string(),
    taskKey: z.string(),
    kind: z.enum(taskKinds),
    role: z.enum(staffRoles),
    title: z.string(),
    script: z.string().meta({ description: 'What to say on the call, in the tone of the stage.' }),
    status: z.enum(taskStatuses),
    assignee: z.string().nullable(),
    outcome: z.string().nullable(),
    createdAt: instant,
    completedAt: instant.nullable(),
  })
  .meta({ id: 'Task' });

export const taskPage = z
  .object({
    items: z.array(task),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
  })
  .meta({ id: 'TaskPage' });

export const taskPath = z.strictObject({
  taskId: z.uuid(expects('must be a task id (a UUID) from GET /tasks')),
});

export const taskListQuery = z.strictObject({
  role: z.enum(staffRoles, expects(`must be one of ${staffRoles.join(', ')}`)).optional(),
  status: z.enum(taskStatuses, expects(`must be one of ${taskStatuses.join(', ')}`)).default('open'),
  assignee: z.string().min(1).optional().meta({ description: 'Only tasks assigned to this person.' }),
  limit: queryInteger('must be a whole number from 1 to 200', { min: 1, max: 200 }).default(50),
  cursor: z.uuid(expects('must be the nextCursor of the previous page')).optional(),
});

export const taskAssignmentBody = z
  .strictObject({ assignee: text('the person who works the task, e.g. "maria@harbour.example"', 200) })
  .meta({ id: 'TaskAssignment' });

export const taskCompletionBody = z
  .strictObject({
    outcome: text('what happened, e.g. "Spoke to AP; payment run on Friday"'),
    customerReached: z
      .boolean(expects('must be true or false'))
      .meta({ description: 'The customer was reached: resets the "no response" clock.' }),
  })
  .meta({ id: 'TaskCompletion' });
