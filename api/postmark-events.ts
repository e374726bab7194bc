import type { z } from 'zod';
import type { EmailProblemKind } from '../domain/commands';
import type { Database } from '../prisma/database';
import type { InvoiceWorkflows } from './invoice-workflows';
import type { postmarkWebhookBody, postmarkWebhookResult } from './schemas/postmark';

type PostmarkEvent = z.output<typeof postmarkWebhookBody>;
type Result = z.output<typeof postmarkWebhookResult>;

/** Bounce types after which the address will never take mail; the others are temporary or informational. */
const undeliverable: Record<string, EmailProblemKind> = {
  HardBounce: 'hardBounce',
  BadEmailAddress: 'hardBounce',
  ManuallyDeactivated: 'inactiveRecipient',
};

/** Records what Postmark tells us about a message Recoup sent; a repeated event changes nothing. */
export async function recordPostmarkEvent(
  db: Database,
  invoices: InvoiceWorkflows,
  event: PostmarkEvent,
): Promise<Result> {
  if (
    event.RecordType !== 'Delivery' &&
    event.RecordType !== 'Bounce' &&
    event.RecordType !== 'SpamComplaint'
  ) {
    return { outcome: 'ignored', detail: `${event.RecordType} events are not used.` };
  }
  const message = await db.emailMessage.findUnique({
    where: { providerMessageId: event.MessageID },
    include: { invoice: { select: { customerId: true } } },
  });
  if (!message)
    return { outcome: 'ignored', detail: `No email with MessageID ${event.MessageID} was sent by Recoup.` };

  const markOnce = async (status: string, error?: string) => {
    const { count } = await db.emailMessage.updateMany({
      where: { id: message.id, status: { not: status } },
      data: { status, ...(error ? { error } : {}) },
    });
    return count === 1;
  };
  // A failed signal puts the message back, so Postmark's retry of this event tries again.
  const reportOrRestore = async (kind: EmailProblemKind, emailAddress: string, description: string) => {
    try {
      return await invoices.signal(message.invoiceId, 'reportEmailProblem', {
        kind,
        emailAddress,
        description,
        actor: 'postmark',
      });
    } catch (error) {
      await db.emailMessage.update({ where: { id: message.id }, data: { status: message.status } });
      throw error;
    }
  };

  switch (event.RecordType) {
    case 'Delivery': {
      const deliveredAt = new Date(event.DeliveredAt ?? Number.NaN);
      const { count } = await db.emailMessage.updateMany({
        where: { id: message.id, deliveredAt: null },
        data: {
          status: 'delivered',
          deliveredAt: Number.isNaN(deliveredAt.getTime()) ? new Date() : deliveredAt,
        },
      });
      return count ? { outcome: 'recorded', detail: 'Delivery recorded.' } : duplicate;
    }
    case 'Bounce': {
      const description = event.Description ?? event.Details ?? event.Type;
      const kind = undeliverable[event.Type];
      if (!kind) {
        await db.emailMessage.update({
          where: { id: message.id },
          data: { error: `${event.Type}: ${description}` },
        });
        return {
          outcome: 'recorded',
          detail: `${event.Type} noted; it does not make the address undeliverable.`,
        };
      }
      if (!(await markOnce('bounced', `${event.Type}: ${description}`))) return duplicate;
      const reported = await reportOrRestore(kind, event.Email, description);
      return {
        outcome: 'recorded',
        detail: reported
          ? 'Bounce reported to the invoice; a manager task asks for a new address.'
          : 'Bounce recorded; the invoice is closed.',
      };
    }
    case 'SpamComplaint': {
      await db.customer.update({
        where: { id: message.invoice.customerId },
        data: { emailSuppressed: true },
      });
      if (!(await markOnce('complained'))) return duplicate;
      await reportOrRestore('spamComplaint', event.Email, 'The recipient marked the email as spam.');
      return { outcome: 'recorded', detail: 'Spam complaint recorded; no more email goes to this customer.' };
    }
  }
}

const duplicate: Result = { outcome: 'duplicate', detail: 'This event was already recorded.' };
