import type { LocalDate } from './calendar';
import type { StageRole } from './roles';
import type { TaskKind } from './tasks';

/** The emails Recoup writes; each has a template whose tone climbs from gentle to firm. */
export const emailTemplateIds = [
  'invoice',
  'comingDue',
  'friendlyReminder',
  'secondReminder',
  'firmReminder',
  'finalNotice',
  'installmentReminder',
] as const;
export type EmailTemplateId = (typeof emailTemplateIds)[number];

/** What a stage does when its day comes. */
export interface CollectionStage {
  /** Stable name of the stage, used as the outbox and task key: never rename a stage of a running policy. */
  key: string;
  /** Days from the anchor date; negative is before it. */
  offsetDays: number;
  anchor: 'issueDate' | 'dueDate';
  role: StageRole;
  email?: EmailTemplateId;
  /** A call task for staff, carrying the stage's call script (the kind decides the role and the tone). */
  task?: Extract<TaskKind, 'secondReminderCall' | 'finalNoticeCall'>;
  /** The email offers a payment plan. */
  offersPaymentPlan?: boolean;
  /** Hands the account to the collection agency. */
  agencyHandoff?: boolean;
  /** The stage waits until the customer has been silent this many days. */
  requiresNoResponseForDays?: number;
}

export interface CollectionPolicy {
  id: string;
  name: string;
  /** Local hour in the customer's time zone at which emails go out (0-23). */
  sendHour: number;
  /** Local dates on which nothing is sent; a stage falling on one moves to the next business day. */
  holidays: LocalDate[];
  /** Ordered in time. */
  stages: CollectionStage[];
  /** Days after a promised payment date before the ladder resumes. */
  promiseGraceDays: number;
  /** Days before each installment's due date that its reminder goes out. */
  installmentReminderDaysBefore: number;
  /** Days after an installment's due date before an unpaid installment defaults the plan. */
  installmentGraceDays: number;
  /** Most installments a payment plan may have. */
  maxInstallments: number;
}

/** PRODUCT.md's lifecycle table. */
export const defaultPolicy: CollectionPolicy = {
  id: 'default',
  name: 'Default collection ladder',
  sendHour: 9,
  holidays: [],
  promiseGraceDays: 3,
  installmentReminderDaysBefore: 3,
  installmentGraceDays: 5,
  maxInstallments: 12,
  stages: [
    { key: 'invoice', anchor: 'issueDate', offsetDays: 0, role: 'system', email: 'invoice' },
    { key: 'comingDue', anchor: 'dueDate', offsetDays: -3, role: 'bookkeeper', email: 'comingDue' },
    {
      key: 'friendlyReminder',
      anchor: 'dueDate',
      offsetDays: 1,
      role: 'bookkeeper',
      email: 'friendlyReminder',
    },
    {
      key: 'secondReminder',
      anchor: 'dueDate',
      offsetDays: 7,
      role: 'bookkeeper',
      email: 'secondReminder',
      task: 'secondReminderCall',
    },
    {
      key: 'firmReminder',
      anchor: 'dueDate',
      offsetDays: 14,
      role: 'bookkeeper',
      email: 'firmReminder',
      offersPaymentPlan: true,
    },
    {
      key: 'finalNotice',
      anchor: 'dueDate',
      offsetDays: 30,
      role: 'manager',
      email: 'finalNotice',
      task: 'finalNoticeCall',
    },
    {
      key: 'agencyHandoff',
      anchor: 'dueDate',
      offsetDays: 45,
      role: 'agency',
      agencyHandoff: true,
      requiresNoResponseForDays: 45,
    },
  ],
};
