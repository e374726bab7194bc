import type { z } from 'zod';
import type { StaffRole } from '../domain/roles';
import type { Database } from '../prisma/database';
import type { Prisma } from '../prisma/generated/client';
import type { Caller } from './authentication';
import type { InvoiceWorkflows } from './invoice-workflows';
import { Problem } from './problem-details';
import type { task, taskListQuery, taskPage } from './schemas/tasks';

type TaskView = z.output<typeof task>;
type TaskRow = Prisma.TaskGetPayload<{ include: { invoice: { select: { number: true } } } }>;

const withInvoiceNumber = { invoice: { select: { number: true } } } as const;

export async function listTasks(
  db: Database,
  query: z.output<typeof taskListQuery>,
): Promise<z.output<typeof taskPage>> {
  const rows = await db.task.findMany({
    where: { status: query.status, role: query.role, assignee: query.assignee },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: query.limit + 1,
    ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
    include: withInvoiceNumber,
  });
  const page = rows.slice(0, query.limit);
  return {
    items: page.map(taskView),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

export async function assignTask(
  db: Database,
  caller: Caller,
  taskId: string,
  assignee: string,
): Promise<TaskView> {
  const current = await workableTask(db, caller, taskId);
  if (current.status !== 'open') {
    throw new Problem(
      'task-conflict',
      `Task ${taskId} is ${current.status}; only open tasks can be assigned.`,
    );
  }
  return taskView(
    await db.task.update({ where: { id: taskId }, data: { assignee }, include: withInvoiceNumber }),
  );
}

export interface TaskCompletion {
  outcome: string;
  customerReached: boolean;
}

/**
 * Marks the task done and tells the invoice's workflow, which resets the "no response" clock when the customer
 * was reached. Completing it again with the same outcome is harmless.
 */
export async function completeTask(
  db: Database,
  invoices: InvoiceWorkflows,
  caller: Caller,
  taskId: string,
  completion: TaskCompletion,
): Promise<TaskView> {
  const current = await workableTask(db, caller, taskId);
  const claimed = await db.task.updateMany({
    where: { id: taskId, status: 'open' },
    data: {
      status: 'completed',
      outcome: completion.outcome,
      completedAt: new Date(),
      assignee: current.assignee ?? caller.name,
    },
  });
  if (claimed.count === 0) return alreadyFinished(db, taskId, completion.outcome);
  try {
    await invoices.command(current.invoiceId, 'completeTask', {
      taskKey: current.taskKey,
      ...completion,
      actor: caller.name,
    });
  } catch (error) {
    // The task outlives a closed invoice; any other failure leaves it open to be completed again.
    if (!(error instanceof Problem && (error.kind === 'invoice-closed' || error.kind === 'not-found'))) {
      await db.task.update({
        where: { id: taskId },
        data: { status: 'open', outcome: null, completedAt: null, assignee: current.assignee },
      });
      throw error;
    }
  }
  return taskView(await db.task.findUniqueOrThrow({ where: { id: taskId }, include: withInvoiceNumber }));
}

async function alreadyFinished(db: Database, taskId: string, outcome: string): Promise<TaskView> {
  const finished = await db.task.findUniqueOrThrow({ where: { id: taskId }, include: withInvoiceNumber });
  if (finished.status === 'completed' && finished.outcome === outcome) return taskView(finished);
  throw new Problem(
    'task-conflict',
    finished.status === 'completed'
      ? `Task ${taskId} was already completed with outcome "${finished.outcome}".`
      : `Task ${taskId} is ${finished.status} (${finished.outcome ?? 'no outcome'}); it needs no completing.`,
  );
}

/** A bookkeeper works bookkeeper tasks; a manager may work any. */
async function workableTask(db: Database, caller: Caller, taskId: string): Promise<TaskRow> {
  const found = await db.task.findUnique({ where: { id: taskId }, include: withInvoiceNumber });
  if (!found) throw new Problem('not-found', `No task ${taskId}; GET /tasks lists the open ones.`);
  if (caller.role !== 'manager' && caller.role !== found.role) {
    throw new Problem(
      'forbidden',
      `Task ${taskId} is a ${found.role} task; a ${found.role} or a manager must work it.`,
      {
        role: caller.role,
        allowedRoles: [found.role, 'manager'],
      },
    );
  }
  return found;
}

function taskView(row: TaskRow): TaskView {
  return {
    taskId: row.id,
    invoiceId: row.invoiceId,
    invoiceNumber: row.invoice.number,
    taskKey: row.taskKey,
    kind: row.kind as TaskView['kind'],
    role: row.role as StaffRole,
    title: row.title,
    script: row.script,
    status: row.status as TaskView['status'],
    assignee: row.assignee,
    outcome: row.outcome,
    createdAt: row.createdAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
  };
}
