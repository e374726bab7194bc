/** Who may call the API; each key carries exactly one role. */
export const apiRoles = ['billing-system', 'bookkeeper', 'manager', 'agency'] as const;
export type ApiRole = (typeof apiRoles)[number];

/** The people who work tasks in the inbox. */
export const staffRoles = ['bookkeeper', 'manager'] as const;
export type StaffRole = (typeof staffRoles)[number];

/** Who acts at a lifecycle stage, as in PRODUCT.md's lifecycle table. */
export type StageRole = 'system' | StaffRole | 'agency';
