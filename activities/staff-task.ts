import { log } from '@temporalio/activity';
import type { InvoiceView } from '../domain/invoice-view';
import { taskRole, type TaskKind } from '../domain/tasks';
import type { Database } from '../prisma/database';
import { describeTask } from './call-scripts';

export interface StaffTaskRequest {
  invoice: InvoiceView;
  /** Unique per invoice: opening the same task twice (a retry) finds the first one. */
  key: string;
  kind: TaskKind;
  detail?: string;
}

export async function openStaffTask(db: Database, request: StaffTaskRequest): Promise<{ taskId: string }> {
  const { invoice, key, kind, detail } = request;
  const text = describeTask({
    kind,
    customerName: invoice.customer.name,
    invoiceNumber: invoice.invoiceNumber,
    currency: invoice.currency,
    amountDue: invoice.balance,
    dueDate: invoice.dueDate,
    daysOverdue: invoice.daysOverdue,
    detail,
  });
  const task = await db.task.upsert({
    where: { invoiceId_taskKey: { invoiceId: invoice.invoiceId, taskKey: key } },
    create: {
      invoiceId: invoice.invoiceId,
      taskKey: key,
      kind,
      role: taskRole(kind),
      title: text.title,
      script: text.script,
    },
    update: {},
  });
  log.info('Staff task open', { invoiceId: invoice.invoiceId, taskId: task.id, kind, role: task.role });
  return { taskId: task.id };
}
