import { defaultPolicy } from '../../domain/policy';
import { collectionPolicySchema } from '../../domain/policy-schema';
import { createPolicyCatalogue, UnknownPolicyError } from '../../runtime/policy-catalogue';

const issuesOf = (input: unknown) => {
  const result = collectionPolicySchema.safeParse(input);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('collection policy validation', () => {
  test('accepts the default policy of PRODUCT.md unchanged', () => {
    expect(collectionPolicySchema.parse(defaultPolicy)).toEqual(defaultPolicy);
  });

  test('names each bad field: send hour, duplicate stage key, stages out of time order, agency not last', () => {
    const [invoice, comingDue, friendly, second, firm, final, agency] = defaultPolicy.stages;
    expect(
      issuesOf({
        ...defaultPolicy,
        sendHour: 24,
        stages: [invoice, friendly, comingDue, { ...second, key: 'friendlyReminder' }, agency, firm, final],
      }),
    ).toEqual([
      'sendHour: Too big: expected number to be <=23',
      'stages.2: stages must be in time order: issue-date stages first, then due-date stages by offset',
      'stages.3.key: stage key "friendlyReminder" is used twice',
      'stages.4: the agency hand-off must be the last stage',
      'stages.5: stages must be in time order: issue-date stages first, then due-date stages by offset',
    ]);
  });

  test('refuses a stage that does nothing and a holiday that is not a real date', () => {
    expect(
      issuesOf({
        ...defaultPolicy,
        holidays: ['2026-02-30'],
        stages: [{ key: 'idle', anchor: 'dueDate', offsetDays: 3, role: 'bookkeeper' }],
      }),
    ).toEqual([
      'holidays.0: a date written YYYY-MM-DD',
      'stages.0: a stage must send an email, open a task or hand off to the agency',
    ]);
  });
});

describe('policy catalogue', () => {
  const gentle = { ...defaultPolicy, id: 'gentle', name: 'Gentle', stages: defaultPolicy.stages.slice(0, 4) };
  const catalogue = createPolicyCatalogue({ policies: [gentle], customerPolicies: { 'cust-7': 'gentle' } });

  test('chooses the named policy, else the customer policy, else the default', () => {
    expect(catalogue.choose({ policyId: 'default', customerId: 'cust-7' }).id).toBe('default');
    expect(catalogue.choose({ customerId: 'cust-7' }).id).toBe('gentle');
    expect(catalogue.choose({ customerId: 'cust-8' }).id).toBe('default');
  });

  test('refuses an unknown policy with the list of known ones', () => {
    expect(() => catalogue.choose({ policyId: 'harsh', customerId: 'c' })).toThrow(
      new UnknownPolicyError('Unknown policy "harsh"; known policies: default, gentle.'),
    );
    expect(() => createPolicyCatalogue({ customerPolicies: { c: 'nope' } })).toThrow(
      /customerPolicies.c names unknown policy "nope"/,
    );
  });
});
