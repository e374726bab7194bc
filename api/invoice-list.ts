import type { z } from 'zod';
import type { InvoiceStatus } from '../domain/invoice';
import type { Database } from '../prisma/database';
import { Prisma } from '../prisma/generated/client';
import { instantOf, localDateOf } from './invoice-projection';
import { validationProblem } from './problem-details';
import type { invoiceListQuery, invoicePage } from './schemas/invoice';

type InvoiceListQuery = z.output<typeof invoiceListQuery>;
type InvoicePage = z.output<typeof invoicePage>;

interface ListedInvoice {
  id: string;
  number: string;
  customer_id: string;
  customer_name: string;
  status: string;
  currency: string;
  original_amount: bigint;
  balance: bigint;
  due_date: Date;
  days_overdue: number;
  current_stage: string | null;
  next_stage: string | null;
  next_action_at: Date | null;
  closed_at: Date | null;
}

/** Where the previous page ended: invoices are listed most overdue first, then by id. */
interface Cursor {
  dueDate: string;
  id: string;
}

/** Lists the projection with days overdue counted in each customer's own time zone, as the workflow counts them. */
export async function listInvoices(
  db: Database,
  query: InvoiceListQuery,
  now: Date = new Date(),
): Promise<InvoicePage> {
  const daysOverdue = Prisma.sql`((${now}::timestamptz AT TIME ZONE c.time_zone)::date - i.due_date)`;
  const conditions: Prisma.Sql[] = [];
  if (query.status?.length) conditions.push(Prisma.sql`i.status IN (${Prisma.join(query.status)})`);
  if (query.customerId) conditions.push(Prisma.sql`i.customer_id = ${query.customerId}`);
  if (query.stage) conditions.push(Prisma.sql`i.current_stage = ${query.stage}`);
  if (query.minDaysOverdue !== undefined)
    conditions.push(Prisma.sql`${daysOverdue} >= ${query.minDaysOverdue}`);
  if (query.maxDaysOverdue !== undefined)
    conditions.push(Prisma.sql`${daysOverdue} <= ${query.maxDaysOverdue}`);
  if (query.cursor) {
    const after = decodeCursor(query.cursor);
    conditions.push(Prisma.sql`(i.due_date, i.id) > (${after.dueDate}::date, ${after.id})`);
  }
  const where = conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}` : Prisma.empty;
  const rows = await db.$queryRaw<ListedInvoice[]>`
    SELECT i.id, i.number, i.customer_id, c.name AS customer_name, i.status, i.currency, i.original_amount, i.balance,
           i.due_date, ${daysOverdue}::int AS days_overdue, i.current_stage, i.next_stage, i.next_action_at, i.closed_at
    FROM invoices i JOIN customers c ON c.id = i.customer_id
    ${where}
    ORDER BY i.due_date, i.id
    LIMIT ${query.limit + 1}`;
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      invoiceId: row.id,
      invoiceNumber: row.number,
      customer: { id: row.customer_id, name: row.customer_name },
      status: row.status as InvoiceStatus,
      currency: row.currency,
      originalAmount: Number(row.original_amount),
      balance: Number(row.balance),
      dueDate: localDateOf(row.due_date),
      daysOverdue: row.days_overdue,
      currentStage: row.current_stage,
      nextStage: row.next_stage,
      nextActionAt: instantOf(row.next_action_at),
      closedAt: instantOf(row.closed_at),
    })),
    nextCursor:
      rows.length > query.limit && last
        ? encodeCursor({ dueDate: localDateOf(last.due_date), id: last.id })
        : null,
  };
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (
      typeof cursor.dueDate === 'string' &&
      /^\d{4}-\d{2}-\d{2}$/.test(cursor.dueDate) &&
      typeof cursor.id === 'string'
    ) {
      return { dueDate: cursor.dueDate, id: cursor.id };
    }
  } catch {
    // falls through to the problem below
  }
  throw validationProblem([
    {
      in: 'query',
      path: 'cursor',
      message: 'is not a cursor this API gave out; pass nextCursor from the previous page unchanged',
    },
  ]);
}
