import { ApplicationFailure, log } from '@temporalio/activity';
import type { AgencyHandoffPayload } from '../domain/agency';
import type { Database } from '../prisma/database';

export interface AgencyHandoffRequest {
  invoiceId: string;
  payload: AgencyHandoffPayload;
}

/**
 * Records the hand-off (once per invoice, with exactly the payload sent) and, when the agency takes
 * hand-offs over HTTP, delivers it with the invoice id as idempotency key so a retry is harmless.
 * Without a URL the agency reads its accounts through the API.
 */
export async function handOffToAgency(
  db: Database,
  handoffUrl: string | undefined,
  { invoiceId, payload }: AgencyHandoffRequest,
): Promise<{ delivered: boolean }> {
  const handoff = await db.agencyHandoff.upsert({
    where: { invoiceId },
    create: { invoiceId, payload: { ...payload }, sentAt: new Date() },
    update: {},
  });
  log.info('Account handed to the collection agency', { invoiceId, handoffId: handoff.id });
  if (!handoffUrl) return { delivered: false };
  const response = await fetch(handoffUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `recoup-handoff-${invoiceId}` },
    body: JSON.stringify(handoff.payload),
  });
  if (response.status >= 400 && response.status < 500 && response.status !== 429) {
    throw ApplicationFailure.nonRetryable(
      `The agency refused the hand-off of ${invoiceId} with HTTP ${response.status}: check AGENCY_HANDOFF_URL and the agreed payload.`,
      'AgencyRefusedHandoff',
    );
  }
  if (!response.ok) throw new Error(`Agency hand-off endpoint answered HTTP ${response.status}; will retry.`);
  return { delivered: true };
}
