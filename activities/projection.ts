import type { InstallmentTerms } from '../domain/commands';
import type { Instant } from '../domain/invoice';
import { viewOf } from '../domain/invoice-view';
import type { InvoiceState, TimelineEntry } from '../domain/lifecycle';
import type { Prisma } from '../prisma/generated/client';
import type { Database } from '../prisma/database';

export interface ProjectionRequest {
  /** The workflow's state, without its timeline (only the entries not yet written travel). */
  state: InvoiceState;
  newEvents: TimelineEntry[];
  at: Instant;
}

type Tx = Prisma.TransactionClient;

const asDate = (localDate: string) => new Date(`${localDate}T00:00:00.000Z`);

/**
 * Writes the read model of one invoice in one transaction: the invoice row (never older over newer),
 * the new timeline entries (append-only, idempotent by sequence) and the rows those entries describe.
 */
export async function recordProjection(
  db: Database,
  { state, newEvents, at }: ProjectionRequest,
): Promise<void> {
  const view = viewOf(state, Date.parse(at));
  const { terms } = state;
  await db.$transaction(async (tx) => {
    await tx.customer.upsert({
      where: { id: terms.customer.id },
      create: {
        id: terms.customer.id,
        name: terms.customer.name,
        email: terms.customer.email,
        timeZone: terms.customer.timeZone,
      },
      update: { name: terms.customer.name, email: terms.customer.email, timeZone: terms.customer.timeZone },
    });
    const row = {
      number: terms.invoiceNumber,
      customerId: terms.customer.id,
      policyId: state.policy.id,
      currency: terms.currency,
      originalAmount: BigInt(terms.amount),
      balance: BigInt(state.balance),
      overpaid: BigInt(state.overpaid),
      issueDate: asDate(terms.issueDate),
      dueDate: asDate(terms.dueDate),
      status: view.status,
      currentStage: view.currentStage,
      nextStage: view.nextAction?.stage ?? null,
      nextActionAt: view.nextAction ? new Date(view.nextAction.at) : null,
      lastCustomerResponseAt: state.lastCustomerResponseAt ? new Date(state.lastCustomerResponseAt) : null,
      closedAt: state.closure ? new Date(state.closure.at) : null,
      closedReason: state.closure?.reason ?? null,
      pausedReason: view.pausedReason,
      stateSequence: state.sequence,
    };
    await tx.invoice.upsert({
      where: { id: terms.invoiceId },
      create: { id: terms.invoiceId, workflowId: `invoice-${terms.invoiceId}`, ...row },
      update: {},
    });
    await tx.invoice.updateMany({
      where: { id: terms.invoiceId, stateSequence: { lt: state.sequence } },
      data: row,
    });
    if (newEvents.length > 0) {
      await tx.timelineEvent.createMany({
        data: newEvents.map((event) => ({
          invoiceId: terms.invoiceId,
          sequence: event.sequence,
          at: new Date(event.at),
          type: event.type,
          summary: event.summary,
          actor: event.actor ?? null,
          data: event.data as Prisma.InputJsonObject,
        })),
        skipDuplicates: true,
      });
    }
    for (const event of newEvents) await projectEvent(tx, state, event);
    if (state.plan) await projectInstallmentPayments(tx, terms.invoiceId, state);
    if (state.closure) {
      await tx.task.updateMany({
        where: { invoiceId: terms.invoiceId, status: 'open' },
        data: {
          status: 'cancelled',
          outcome: `invoice ${state.closure.status}`,
          completedAt: new Date(state.closure.at),
        },
      });
    }
  });
}

/** The rows that one timeline entry stands for; each write is harmless when repeated. */
async function projectEvent(tx: Tx, state: InvoiceState, event: TimelineEntry): Promise<void> {
  const invoiceId = state.terms.invoiceId;
  const data = event.data;
  const at = new Date(event.at);
  switch (event.type) {
    case 'payment.recorded':
    case 'agency.recovered':
      await tx.payment.createMany({
        data: [
          {
            invoiceId,
            reference: String(data.reference),
            amount: BigInt(Number(data.amount)),
            currency: state.terms.currency,
            receivedAt: at,
          },
        ],
        skipDuplicates: true,
      });
      if (event.type === 'agency.recovered') {
        // Summed from the timeline, not incremented: NULL + x stays NULL, and a retried write must not add twice.
        const recoveries = await tx.timelineEvent.findMany({
          where: { invoiceId, type: 'agency.recovered' },
          select: { data: true },
        });
        const recovered = recoveries.reduce(
          (sum, recovery) => sum + BigInt(Number((recovery.data as { amount?: unknown }).amount ?? 0)),
          0n,
        );
        await tx.agencyHandoff.updateMany({
          where: { invoiceId },
          data: { outcome: 'recovered', recoveredAmount: recovered, outcomeAt: at },
        });
      }
      return;
    case 'agency.returned':
      await tx.agencyHandoff.updateMany({
        where: { invoiceId },
        data: { outcome: 'returned', outcomeAt: at },
      });
      return;
    case 'dispute.opened':
      await tx.dispute.createMany({
        data: [{ invoiceId, sequence: Number(data.dispute), reason: String(data.reason), openedAt: at }],
        skipDuplicates: true,
      });
      return;
    case 'invoice.amended':
      if (data.customerEmail) {
        await tx.task.updateMany({
          where: { invoiceId, kind: 'fixEmailAddress', status: 'open' },
          data: { status: 'completed', outcome: 'customer email address amended', completedAt: at },
        });
      }
      return;
    case 'dispute.resolved':
      await tx.task.updateMany({
        where: { invoiceId, taskKey: `dispute-${Number(data.dispute)}`, status: 'open' },
        data: { status: 'completed', outcome: `dispute ${String(data.resolution)}`, completedAt: at },
      });
      await tx.dispute.updateMany({
        where: { invoiceId, sequence: Number(data.dispute) },
        data: {
          resolution: String(data.resolution),
          resolutionNote: typeof data.note === 'string' ? data.note : null,
          adjustedBalance: typeof data.balance === 'number' ? BigInt(data.balance) : null,
          resolvedAt: at,
        },
      });
      return;
    case 'plan.accepted':
      await createPlan(tx, invoiceId, Number(data.plan), data.installments as InstallmentTerms[], at);
      return;
    case 'plan.defaulted':
      await tx.paymentPlan.updateMany({
        where: { invoiceId, sequence: Number(data.plan) },
        data: { status: 'defaulted', endedAt: at },
      });
      return;
    case 'invoice.paid':
      await tx.paymentPlan.updateMany({
        where: { invoiceId, status: 'active' },
        data: { status: 'completed', endedAt: at },
      });
      // The closing payment settled every installment still due; the plan is no longer in the state to copy.
      for (const installment of await tx.installment.findMany({
        where: { plan: { invoiceId, status: 'completed' }, status: 'due' },
      })) {
        await tx.installment.update({
          where: { id: installment.id },
          data: { status: 'paid', paidAmount: installment.amount },
        });
      }
      return;
  }
}

async function createPlan(
  tx: Tx,
  invoiceId: string,
  sequence: number,
  installments: InstallmentTerms[],
  at: Date,
) {
  const existing = await tx.paymentPlan.findUnique({
    where: { invoiceId_sequence: { invoiceId, sequence } },
  });
  if (existing) return;
  await tx.paymentPlan.create({
    data: {
      invoiceId,
      sequence,
      status: 'active',
      acceptedAt: at,
      installments: {
        create: installments.map((installment, index) => ({
          sequence: index + 1,
          dueDate: asDate(installment.dueDate),
          amount: BigInt(installment.amount),
          status: 'due',
        })),
      },
    },
  });
}

async function projectInstallmentPayments(tx: Tx, invoiceId: string, state: InvoiceState): Promise<void> {
  const plan = state.plan;
  if (!plan) return;
  const row = await tx.paymentPlan.findUnique({
    where: { invoiceId_sequence: { invoiceId, sequence: plan.sequence } },
  });
  if (!row) return;
  for (const installment of plan.installments) {
    await tx.installment.updateMany({
      where: { planId: row.id, sequence: installment.sequence },
      data: {
        paidAmount: BigInt(installment.paid),
        status: installment.paid >= installment.amount ? 'paid' : 'due',
      },
    });
  }
}
