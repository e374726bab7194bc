import type { SenderIdentity } from '../runtime/config';
import type { Database } from '../prisma/database';
import { handOffToAgency, type AgencyHandoffRequest } from './agency-handoff';
import { sendCollectionEmail, type CollectionEmailRequest } from './collection-email';
import type { MailTransport } from './mail-transport';
import { recordProjection, type ProjectionRequest } from './projection';
import { openStaffTask, type StaffTaskRequest } from './staff-task';

export interface ActivityDependencies {
  db: Database;
  mail: MailTransport;
  /** The From address of every collection email. */
  mailFrom: string;
  sender: SenderIdentity;
  agencyHandoffUrl?: string;
}

/** Every side effect Recoup has, bound to the dependencies it needs; the worker registers these. */
export function createActivities(deps: ActivityDependencies) {
  return {
    recordProjection: (request: ProjectionRequest) => recordProjection(deps.db, request),
    sendCollectionEmail: (request: CollectionEmailRequest) =>
      sendCollectionEmail(
        { db: deps.db, mail: deps.mail, from: deps.mailFrom, sender: deps.sender },
        request,
      ),
    openTask: (request: StaffTaskRequest) => openStaffTask(deps.db, request),
    handOffToAgency: (request: AgencyHandoffRequest) =>
      handOffToAgency(deps.db, deps.agencyHandoffUrl, request),
  };
}

export type RecoupActivities = ReturnType<typeof createActivities>;
