import { daysBetween, localDateAt } from '../domain/calendar';
import { closedStatuses, type ClosedStatus, type InvoiceStatus } from '../domain/invoice';
import type { InvoiceView } from '../domain/invoice-view';
import type { TimelineEntry } from '../domain/lifecycle';
import type { Database } from '../prisma/database';

export interface InvoiceProjection {
  /** The closed status of an invoice, or null when it is open or unknown. */
  closure(invoiceId: string): Promise<{ status: ClosedStatus } | null>;
  /** An invoice as the projection last recorded it; for closed invoices, whose workflow no longer answers. */
  closedInvoice(invoiceId: string): Promise<InvoiceView | null>;
  closedTimeline(invoiceId: string): Promise<TimelineEntry[] | null>;
  hasPayment(invoiceId: string, reference: string, amount: number): Promise<boolean>;
}

export const localDateOf = (date: Date) => date.toISOString().slice(0, 10);
export const instantOf = (date: Date | null) => date?.toISOString() ?? null;

export function createInvoiceProjection(db: Database): InvoiceProjection {
  return {
    async closure(invoiceId) {
      const row = await db.invoice.findUnique({ where: { id: invoiceId }, select: { status: true } });
      return row && isClosedStatus(row.status) ? { status: row.status } : null;
    },

    async closedInvoice(invoiceId) {
      const row = await db.invoice.findUnique({
        where: { id: invoiceId },
        include: { customer: true, agencyHandoff: true },
      });
      if (!row) return null;
      const paid = await db.payment.aggregate({ where: { invoiceId }, _sum: { amount: true } });
      const amountPaid = Number(paid._sum.amount ?? 0n);
      const dueDate = localDateOf(row.dueDate);
      const handoff = row.agencyHandoff;
      return {
        invoiceId: row.id,
        invoiceNumber: row.number,
        customer: {
          id: row.customer.id,
          name: row.customer.name,
          email: row.customer.email,
          timeZone: row.customer.timeZone,
        },
        status: row.status as InvoiceStatus,
        currency: row.currency,
        originalAmount: Number(row.originalAmount),
        amountPaid,
        balance: Number(row.balance),
        overpaid: Number(row.overpaid),
        issueDate: localDateOf(row.issueDate),
        dueDate,
        daysOverdue: daysBetween(dueDate, localDateAt(Date.now(), row.customer.timeZone)),
        policyId: row.policyId,
        currentStage: row.currentStage,
        nextAction: null,
        dispute: null,
        promise: null,
        paymentPlan: null,
        pausedReason: row.pausedReason,
        lastCustomerResponseAt: instantOf(row.lastCustomerResponseAt),
        agency: handoff && {
          handedOffAt: handoff.sentAt.toISOString(),
          returnedAt: handoff.outcome === 'returned' ? instantOf(handoff.outcomeAt) : null,
        },
        closedAt: instantOf(row.closedAt),
        closedReason: row.closedReason,
        stateSequence: row.stateSequence,
      };
    },

    async closedTimeline(invoiceId) {
      const [exists, events] = await Promise.all([
        db.invoice.count({ where: { id: invoiceId } }),
        db.timelineEvent.findMany({ where: { invoiceId }, orderBy: { sequence: 'asc' } }),
      ]);
      if (!exists) return null;
      return events.map((event) => ({
        sequence: event.sequence,
        at: event.at.toISOString(),
        type: event.type,
        summary: event.summary,
        ...(event.actor ? { actor: event.actor } : {}),
        data: event.data as Record<string, unknown>,
      }));
    },

    async hasPayment(invoiceId, reference, amount) {
      const payment = await db.payment.findUnique({
        where: { invoiceId_reference: { invoiceId, reference } },
      });
      return payment !== null && payment.amount === BigInt(amount);
    },
  };
}

function isClosedStatus(status: string): status is ClosedStatus {
  return (closedStatuses as readonly string[]).includes(status);
}
