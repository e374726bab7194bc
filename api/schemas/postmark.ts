import { z } from 'zod';
import { expects } from './fields';

const messageId = z.string(expects("must be Postmark's MessageID")).min(1);

/** Postmark adds fields over time, so these objects accept more than they name. */
const postmarkDelivery = z.looseObject({
  RecordType: z.literal('Delivery'),
  MessageID: messageId,
  Recipient: z.string().optional(),
  DeliveredAt: z.string().optional(),
});

const postmarkBounce = z.looseObject({
  RecordType: z.literal('Bounce'),
  MessageID: messageId,
  Type: z.string(expects('must be the bounce type, e.g. "HardBounce"')),
  Email: z.string(expects('must be the bounced address')),
  Description: z.string().optional(),
  Details: z.string().optional(),
});

const postmarkSpamComplaint = z.looseObject({
  RecordType: z.literal('SpamComplaint'),
  MessageID: messageId,
  Email: z.string(expects('must be the complaining address')),
});

/** Postmark's other record types: acknowledged and ignored. */
const postmarkOtherEvent = z.looseObject({
  RecordType: z.enum(['Open', 'Click', 'SubscriptionChange']),
});

export const postmarkWebhookBody = z
  .discriminatedUnion(
    'RecordType',
    [postmarkDelivery, postmarkBounce, postmarkSpamComplaint, postmarkOtherEvent],
    expects(
      'must be a Postmark webhook event whose RecordType is Delivery, Bounce, SpamComplaint, Open, Click or SubscriptionChange',
    ),
  )
  .meta({
    id: 'PostmarkWebhookEvent',
    description: 'A Postmark Delivery, Bounce or SpamComplaint webhook; other record types are acknowledged.',
  });

export const postmarkWebhookResult = z
  .object({
    outcome: z.enum(['recorded', 'duplicate', 'ignored']),
    detail: z.string(),
  })
  .meta({ id: 'PostmarkWebhookResult' });
