import { ApplicationFailure, log } from '@temporalio/activity';
import type { Effect } from '../domain/lifecycle';
import type { InvoiceView } from '../domain/invoice-view';
import type { SenderIdentity } from '../runtime/config';
import type { Database } from '../prisma/database';
import { renderEmail } from './email-templates';
import { emailRejectedFailure, inactiveRecipientFailure } from './failure-types';
import { InactiveRecipientError, RejectedEmailError, type MailTransport } from './mail-transport';

export interface CollectionEmailRequest {
  /** The invoice as it stands at the moment of sending. */
  invoice: InvoiceView;
  effect: Extract<Effect, { kind: 'sendEmail' }>;
}

export type CollectionEmailOutcome =
  { status: 'sent' | 'alreadySent'; messageId: string } | { status: 'suppressed' | 'invoiceClosed' };

export interface CollectionEmailDependencies {
  db: Database;
  mail: MailTransport;
  from: string;
  sender: SenderIdentity;
}

/**
 * Sends one stage's email at most once. The outbox row (unique per invoice and stage) is written before
 * the provider is called; a retry after a crash first asks the provider whether the message already went out.
 */
export async function sendCollectionEmail(
  { db, mail, from, sender }: CollectionEmailDependencies,
  { invoice, effect }: CollectionEmailRequest,
): Promise<CollectionEmailOutcome> {
  const rendered = renderEmail({
    template: effect.template,
    customerName: invoice.customer.name,
    invoiceNumber: invoice.invoiceNumber,
    currency: invoice.currency,
    originalAmount: invoice.originalAmount,
    amountDue: invoice.balance,
    amountPaid: invoice.amountPaid,
    issueDate: invoice.issueDate,
    dueDate: invoice.dueDate,
    daysOverdue: invoice.daysOverdue,
    offersPaymentPlan: effect.offersPaymentPlan,
    installment: effect.installment,
    sender,
  });
  const key = { invoiceId: invoice.invoiceId, stageKey: effect.key };
  const outbox = await db.emailMessage.upsert({
    where: { invoiceId_stageKey: key },
    create: {
      ...key,
      template: effect.template,
      toAddress: invoice.customer.email,
      subject: rendered.subject,
      status: 'pending',
    },
    update: {},
  });
  if (outbox.providerMessageId) return { status: 'alreadySent', messageId: outbox.providerMessageId };

  const [projected, customer] = await Promise.all([
    db.invoice.findUnique({ where: { id: invoice.invoiceId }, select: { closedAt: true } }),
    db.customer.findUnique({ where: { id: invoice.customer.id }, select: { emailSuppressed: true } }),
  ]);
  if (projected?.closedAt) {
    await db.emailMessage.update({ where: { id: outbox.id }, data: { status: 'cancelled' } });
    return { status: 'invoiceClosed' };
  }
  if (customer?.emailSuppressed) {
    await db.emailMessage.update({ where: { id: outbox.id }, data: { status: 'suppressed' } });
    return { status: 'suppressed' };
  }

  if (outbox.attempts > 0) {
    const earlier = await mail.findSentMessage(outbox.id);
    if (earlier) return markSent(db, outbox.id, earlier, 'alreadySent');
  }
  await db.emailMessage.update({
    where: { id: outbox.id },
    data: { attempts: { increment: 1 }, status: 'sending' },
  });
  try {
    const { messageId } = await mail.send({
      from,
      to: invoice.customer.email,
      subject: rendered.subject,
      textBody: rendered.textBody,
      htmlBody: rendered.htmlBody,
      tag: effect.template,
      metadata: { outboxId: outbox.id, invoiceId: invoice.invoiceId, stage: effect.key },
    });
    log.info('Collection email sent', { invoiceId: invoice.invoiceId, stage: effect.key, messageId });
    return markSent(db, outbox.id, messageId, 'sent');
  } catch (error) {
    if (error instanceof InactiveRecipientError || error instanceof RejectedEmailError) {
      await db.emailMessage.update({
        where: { id: outbox.id },
        data: { status: 'failed', error: error.message },
      });
      throw ApplicationFailure.create({
        type: error instanceof InactiveRecipientError ? inactiveRecipientFailure : emailRejectedFailure,
        message: `Email to ${invoice.customer.email} refused by Postmark: ${error.message}`,
        details: [invoice.customer.email],
        nonRetryable: true,
      });
    }
    await db.emailMessage.update({ where: { id: outbox.id }, data: { error: String(error) } });
    throw error;
  }
}

async function markSent(
  db: Database,
  outboxId: string,
  messageId: string,
  status: 'sent' | 'alreadySent',
): Promise<CollectionEmailOutcome> {
  await db.emailMessage.update({
    where: { id: outboxId },
    data: { status: 'sent', providerMessageId: messageId, sentAt: new Date(), error: null },
  });
  return { status, messageId };
}
