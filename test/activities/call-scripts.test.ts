import { describeTask, type TaskContext } from '../../activities/call-scripts';
import { taskKinds, type TaskKind } from '../../domain/tasks';

function taskContext(kind: TaskKind, overrides: Partial<TaskContext> = {}): TaskContext {
  return {
    kind,
    customerName: 'Harbour Café Ltd',
    invoiceNumber: 'INV-2026-014',
    currency: 'EUR',
    amountDue: 123456,
    dueDate: '2026-03-14',
    daysOverdue: 7,
    ...overrides,
  };
}

const callKinds: TaskKind[] = [
  'secondReminderCall',
  'finalNoticeCall',
  'fixEmailAddress',
  'promiseBroken',
  'planDefaulted',
];

describe('describeTask', () => {
  test.each(taskKinds)(
    '%s has a title naming the invoice and a script naming the invoice and amount',
    (kind) => {
      const { title, script } = describeTask(taskContext(kind));

      expect(title).toContain('INV-2026-014');
      expect(title).toContain('Harbour Café Ltd');
      expect(script).toContain(
        'Invoice INV-2026-014, Harbour Café Ltd: €1,234.56 outstanding, due 14 March 2026 (7 days overdue).',
      );
    },
  );

  test('gives every kind of task its own title', () => {
    const titles = taskKinds.map((kind) => describeTask(taskContext(kind)).title);

    expect(new Set(titles).size).toBe(taskKinds.length);
  });

  test('states amounts exactly in the invoice currency', () => {
    const { title, script } = describeTask(
      taskContext('finalNoticeCall', { currency: 'JPY', amountDue: 5000 }),
    );

    expect(title).toBe('Final notice call: Harbour Café Ltd, invoice INV-2026-014 (¥5,000)');
    expect(script).toContain(
      '"Can you pay the ¥5,000 today, or agree a date or a payment plan with me now?"',
    );
  });

  test.each(callKinds)(
    '%s is a call script with an opening, reactions, an ask and what to record',
    (kind) => {
      const { script } = describeTask(taskContext(kind));

      expect(script).toMatch(/\nOpening\n- "Hello, this is \[your name\]/);
      expect(script).toMatch(/\nIf they say\n(- ".+\n){2,3}\n/);
      expect(script).toMatch(/\nAsk\n- "[^\n]+\?"/);
      expect(script).toMatch(/\nAfterwards, record\n- /);
    },
  );

  test('shows the detail under a label that fits the task, and nothing when there is none', () => {
    expect(
      describeTask(taskContext('disputeReview', { detail: 'Two chairs arrived damaged' })).script,
    ).toContain("\nCustomer's reason: Two chairs arrived damaged\n");
    expect(
      describeTask(taskContext('fixEmailAddress', { detail: '550 mailbox unavailable' })).script,
    ).toContain('\nDelivery problem: 550 mailbox unavailable\n');
    for (const kind of taskKinds) {
      expect(describeTask(taskContext(kind)).script).not.toContain('undefined');
    }
  });

  test('writes the days overdue as the customer would hear them', () => {
    expect(describeTask(taskContext('secondReminderCall', { daysOverdue: 1 })).title).toBe(
      'Call Harbour Café Ltd about invoice INV-2026-014 (€1,234.56, 1 day overdue)',
    );
  });
});

describe('tone of the scripts', () => {
  test('the bookkeeper’s second-reminder call is friendly and never mentions an agency', () => {
    const { script } = describeTask(taskContext('secondReminderCall'));

    expect(script).toContain('Keep it light and helpful');
    expect(script).toContain('"I understand, cash flow can be tight"');
    expect(script).toContain('we can discuss a payment plan');
    expect(script.toLowerCase()).not.toContain('agency');
  });

  test('the manager’s final-notice call states the agency hand-off as a next step, not a threat', () => {
    const { script } = describeTask(taskContext('finalNoticeCall', { daysOverdue: 30 }));

    expect(script).toContain('which is now 30 days overdue');
    expect(script).toContain(
      'if the invoice is not paid or discussed, the account will be passed to our collection agency',
    );
    expect(script).toContain('never as a threat');
  });

  test.each(taskKinds)('%s makes no legal threats', (kind) => {
    expect(describeTask(taskContext(kind)).script.toLowerCase()).not.toMatch(
      /\b(legal|court|lawyers?|solicitors?|sue|bailiffs?)\b/,
    );
  });
});

describe('review and decision tasks', () => {
  test('dispute review lists what to check and the three resolutions', () => {
    const { title, script } = describeTask(taskContext('disputeReview'));

    expect(title).toBe('Review dispute on invoice INV-2026-014 from Harbour Café Ltd');
    expect(script).toContain('Every reminder is paused until you resolve the dispute.');
    expect(script).toMatch(/\nCheck\n- The invoice against the order, quote or contract/);
    expect(script).toMatch(/\nResolve as one of\n- Upheld: [^\n]+\n- Adjusted: [^\n]+\n- Rejected: [^\n]+\n/);
  });

  test('fix email address explains the reminder did not arrive and asks for a working address', () => {
    const { title, script } = describeTask(taskContext('fixEmailAddress'));

    expect(title).toBe('Get a working email address for Harbour Café Ltd (invoice INV-2026-014)');
    expect(script).toContain('Our latest reminder bounced or went to an inactive address');
    expect(script).toContain('"Which email address will reliably reach whoever pays our invoices?"');
  });

  test('agency returned asks the manager to write off or keep pursuing', () => {
    const { title, script } = describeTask(taskContext('agencyReturned', { daysOverdue: 75 }));

    expect(title).toBe(
      'Decide on invoice INV-2026-014 for Harbour Café Ltd: returned by the collection agency',
    );
    expect(script).toContain('€1,234.56 is still owed');
    expect(script).toMatch(/\nDecide\n- Write off: [^\n]+\n- Keep pursuing: [^\n]+\n/);
  });

  test('broken promises and defaulted plans are calls to re-engage', () => {
    expect(describeTask(taskContext('promiseBroken')).script).toContain(
      '"On what date will the €1,234.56 be paid?"',
    );
    expect(describeTask(taskContext('planDefaulted')).script).toContain(
      '"Can you pay the missed installment now, or agree a new plan with me today?"',
    );
  });
});
