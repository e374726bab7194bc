import type { StaffRole } from './roles';

/** The kinds of task Recoup opens in the staff inbox. */
export const taskKinds = [
  'secondReminderCall',
  'finalNoticeCall',
  'disputeReview',
  'fixEmailAddress',
  'agencyReturned',
  'promiseBroken',
  'planDefaulted',
] as const;
export type TaskKind = (typeof taskKinds)[number];

export const taskStatuses = ['open', 'completed', 'cancelled'] as const;
export type TaskStatus = (typeof taskStatuses)[number];

/** The bookkeeper makes the friendly calls; everything that needs a decision or firmness goes to the manager. */
const roleOfTask: Record<TaskKind, StaffRole> = {
  secondReminderCall: 'bookkeeper',
  finalNoticeCall: 'manager',
  disputeReview: 'manager',
  fixEmailAddress: 'manager',
  agencyReturned: 'manager',
  promiseBroken: 'manager',
  planDefaulted: 'manager',
};

export function taskRole(kind: TaskKind): StaffRole {
  return roleOfTask[kind];
}
