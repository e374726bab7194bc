import { recordPostmarkEvent } from '../postmark-events';
import { defineRoute } from '../route';
import { postmarkWebhookBody, postmarkWebhookResult } from '../schemas/postmark';

export const webhookRoutes = [
  defineRoute({
    method: 'post',
    path: '/webhooks/postmark',
    operationId: 'receivePostmarkWebhook',
    tag: 'webhooks',
    summary: 'Postmark delivery, bounce and spam-complaint webhook',
    description:
      'Matched to the sent email by MessageID. A hard bounce opens a manager task to fix the address; a spam complaint stops ' +
      'all email to that customer. Repeated events change nothing. Authenticated with HTTP basic auth (Postmark signs nothing).',
    access: 'postmark',
    body: postmarkWebhookBody,
    responses: [{ status: 200, description: 'The event was taken in.', schema: postmarkWebhookResult }],
    problems: ['unauthenticated'],
    async handle({ body }, { db, invoices }) {
      return { status: 200, body: await recordPostmarkEvent(db, invoices, body) };
    },
  }),
];
