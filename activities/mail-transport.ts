import { Errors, ServerClient } from 'postmark';

export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  textBody: string;
  htmlBody: string;
  tag: string;
  /** Recorded with the message at Postmark, so a retry can ask whether it already went out. */
  metadata: Record<string, string>;
}

/** The recipient is on Postmark's inactive list (hard bounce or spam complaint); resending cannot help. */
export class InactiveRecipientError extends Error {
  override name = 'InactiveRecipientError';
}

/** Postmark refused the message itself (bad address, empty body…); resending the same message cannot help. */
export class RejectedEmailError extends Error {
  override name = 'RejectedEmailError';
}

export interface MailTransport {
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
  /** The provider's id of an earlier message carrying this outbox id, if one went out. */
  findSentMessage(outboxId: string): Promise<string | null>;
}

export interface PostmarkSettings {
  serverToken: string;
  messageStream: string;
  /** Host and port of a Postmark-compatible server (the local mail sink); unset means Postmark itself. */
  requestHost?: string;
}

export function createPostmarkTransport(settings: PostmarkSettings): MailTransport {
  const client = new ServerClient(
    settings.serverToken,
    settings.requestHost ? { requestHost: settings.requestHost, useHttps: false } : {},
  );
  return {
    async send(email) {
      try {
        const response = await client.sendEmail({
          From: email.from,
          To: email.to,
          Subject: email.subject,
          TextBody: email.textBody,
          HtmlBody: email.htmlBody,
          Tag: email.tag,
          Metadata: email.metadata,
          MessageStream: settings.messageStream,
        });
        return { messageId: response.MessageID };
      } catch (error) {
        if (error instanceof Errors.InactiveRecipientsError) throw new InactiveRecipientError(error.message);
        if (error instanceof Errors.InvalidEmailRequestError) throw new RejectedEmailError(error.message);
        throw error;
      }
    },
    async findSentMessage(outboxId) {
      const filter = { count: 1, offset: 0, metadata_outboxId: outboxId };
      const found = await client.getOutboundMessages(
        filter as Parameters<ServerClient['getOutboundMessages']>[0],
      );
      return found.Messages[0]?.MessageID ?? null;
    },
  };
}
