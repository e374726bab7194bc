import { addDays, instantAtLocalTime, localDateAt, type LocalDate } from '../../domain/calendar';
import { CommandRejected, type InvoiceCommand } from '../../domain/commands';
import type { InvoiceTerms } from '../../domain/invoice';
import {
  applyCommand,
  nextWakeup,
  onWakeup,
  recordRefusal,
  startInvoice,
  statusOf,
  type Effect,
  type InvoiceState,
} from '../../domain/lifecycle';
import { defaultPolicy, type CollectionPolicy } from '../../domain/policy';

const zone = 'Europe/Berlin';
// A Monday; the invoice is due Wednesday 2026-04-01, and Berlin moves to summer time on Sunday 2026-03-29.
const issueDate: LocalDate = '2026-03-02';
const dueDate: LocalDate = '2026-04-01';

const at = (date: LocalDate, hour = 12): number => instantAtLocalTime(date, hour, zone);
const localClock = (ms: number): string =>
  `${localDateAt(ms, zone)} ${new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms)}`;

function terms(overrides: Partial<InvoiceTerms> = {}): InvoiceTerms {
  return {
    invoiceId: 'inv-1',
    invoiceNumber: 'INV-1',
    customer: { id: 'cust-1', name: 'Harbour Café GmbH', email: 'ap@harbour-cafe.example', timeZone: zone },
    currency: 'EUR',
    amount: 120_000,
    issueDate,
    dueDate,
    sendInvoiceEmail: true,
    ...overrides,
  };
}

function describeEffect(effect: Effect): string {
  switch (effect.kind) {
    case 'sendEmail':
      return `email ${effect.key}`;
    case 'openTask':
      return `task ${effect.taskKind}`;
    case 'handOffToAgency':
      return 'agency hand-off';
  }
}

/** Plays the workflow's loop without Temporal: wakeups in time order, commands at the instants given. */
class InvoiceRun {
  state: InvoiceState;
  now: number;
  readonly log: string[] = [];

  constructor(invoiceTerms: InvoiceTerms = terms(), startedAt = at('2026-03-01'), policy = defaultPolicy) {
    this.now = startedAt;
    this.state = this.take(startInvoice(invoiceTerms, policy, startedAt), startedAt);
  }

  /** Acts on every wakeup due up to `instant`, as the workflow's timers would. */
  advanceTo(instant: number): this {
    for (
      let wakeup = nextWakeup(this.state, this.now);
      wakeup && wakeup.at <= instant;
      wakeup = nextWakeup(this.state, this.now)
    ) {
      this.now = Math.max(wakeup.at, this.now);
      this.state = this.take(onWakeup(this.state, wakeup, this.now), this.now);
    }
    this.now = Math.max(this.now, instant);
    return this;
  }

  command(command: InvoiceCommand, instant: number): this {
    this.advanceTo(instant);
    this.state = this.take(applyCommand(this.state, command, instant), instant);
    return this;
  }

  timelineTypes(): string[] {
    return this.state.timeline.map((entry) => entry.type);
  }

  private take(
    { state, effects }: { state: InvoiceState; effects: Effect[] },
    instant: number,
  ): InvoiceState {
    for (const effect of effects) this.log.push(`${localClock(instant)} ${describeEffect(effect)}`);
    return state;
  }
}

function refusalOf(run: () => unknown): { kind: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof CommandRejected) return { kind: error.kind, message: error.message };
    throw error;
  }
  throw new Error('expected the command to be refused');
}

const payment = (reference: string, amount: number, currency = 'EUR'): InvoiceCommand => ({
  type: 'recordPayment',
  reference,
  amount,
  currency,
});

const silentLadder = [
  '2026-03-02 09:00 email invoice',
  // due-3 is Sunday 29 March: moved to Monday, and 09:00 is now summer time
  '2026-03-30 09:00 email comingDue',
  '2026-04-02 09:00 email friendlyReminder',
  '2026-04-08 09:00 email secondReminder',
  '2026-04-08 09:00 task secondReminderCall',
  '2026-04-15 09:00 email firmReminder',
  '2026-05-01 09:00 email finalNotice',
  '2026-05-01 09:00 task finalNoticeCall',
  // due+45 is Saturday 16 May
  '2026-05-18 09:00 agency hand-off',
];

describe('the ladder of a silent customer', () => {
  test('each stage comes on its business day at the send hour in the customer zone, across the change to summer time', () => {
    const run = new InvoiceRun().advanceTo(at('2026-08-01'));
    expect(run.log).toEqual(silentLadder);
    expect(statusOf(run.state)).toBe('with_agency');
    expect(nextWakeup(run.state, run.now)).toBeNull();
  });

  test('the send hour is 09:00 local on both sides of the clock change: 08:00Z in winter, 07:00Z in summer', () => {
    const run = new InvoiceRun();
    expect(new Date(nextWakeup(run.state, run.now)!.at).toISOString()).toBe('2026-03-02T08:00:00.000Z');
    run.advanceTo(at('2026-03-03'));
    expect(new Date(nextWakeup(run.state, run.now)!.at).toISOString()).toBe('2026-03-30T07:00:00.000Z');
  });

  test('the invoice email is recorded skipped when the billing system sends its own', () => {
    const run = new InvoiceRun(terms({ sendInvoiceEmail: false }));
    expect(run.state.stages.invoice).toEqual({
      outcome: 'skipped',
      at: new Date(at('2026-03-01')).toISOString(),
      reason: 'the billing system sends the invoice itself',
    });
    run.advanceTo(at('2026-04-03'));
    expect(run.log).toEqual(['2026-03-30 09:00 email comingDue', '2026-04-02 09:00 email friendlyReminder']);
  });

  test('a stage whose day falls before the issue date is skipped, not sent on the issue date', () => {
    const run = new InvoiceRun(terms({ dueDate: '2026-03-04' })).advanceTo(at('2026-03-06'));
    expect(run.log).toEqual(['2026-03-02 09:00 email invoice', '2026-03-05 09:00 email friendlyReminder']);
    expect(run.state.stages.comingDue).toMatchObject({
      outcome: 'skipped',
      reason: 'its day falls before the invoice was issued',
    });
  });
});

describe('no burst: when several stages are overdue only the latest is sent', () => {
  test('an invoice started 20 days overdue sends the invoice and the firm reminder only, the rest recorded skipped', () => {
    const run = new InvoiceRun(terms(), at('2026-04-21', 10)).advanceTo(at('2026-05-08'));
    expect(run.log).toEqual([
      '2026-04-21 10:00 email invoice',
      '2026-04-21 10:00 email firmReminder',
      // the firm reminder went out 6 days late, so the final notice keeps its 16 days' spacing: 7 May
      '2026-05-07 09:00 email finalNotice',
      '2026-05-07 09:00 task finalNoticeCall',
    ]);
    for (const key of ['comingDue', 'friendlyReminder', 'secondReminder']) {
      expect(run.state.stages[key]).toMatchObject({
        outcome: 'skipped',
        reason: 'superseded by firmReminder',
      });
    }
  });

  test('an invoice started 61 days overdue gets its final notice before any agency hand-off', () => {
    const run = new InvoiceRun(terms(), at('2026-06-01', 10)).advanceTo(at('2026-06-30'));
    expect(run.log).toEqual([
      '2026-06-01 10:00 email invoice',
      '2026-06-01 10:00 email finalNotice',
      '2026-06-01 10:00 task finalNoticeCall',
      // the final notice went out 31 days late; the hand-off keeps its 15 days' spacing: Tuesday 16 June
      '2026-06-16 09:00 agency hand-off',
    ]);
    expect(run.state.stages.agencyHandoff).toMatchObject({ outcome: 'done' });
  });

  test('moving the due date earlier sends only the latest stage that became overdue, once', () => {
    const run = new InvoiceRun()
      .advanceTo(at('2026-04-03'))
      .command({ type: 'amend', dueDate: '2026-03-16', reason: 'Terms were 14 days' }, at('2026-04-03'))
      .advanceTo(at('2026-04-23'));
    expect(run.log.slice(3)).toEqual([
      // overdue at noon on Friday 3 April: it waits for the next send slot, Monday 09:00
      '2026-04-06 09:00 email firmReminder',
      // planned for 30 March, sent 7 days late: due+30+7 = 22 April
      '2026-04-22 09:00 email finalNotice',
      '2026-04-22 09:00 task finalNoticeCall',
    ]);
    expect(run.state.stages.secondReminder).toMatchObject({
      outcome: 'skipped',
      reason: 'superseded by firmReminder',
    });
  });
});

describe('time on hold moves later stages back', () => {
  test('a dispute held 10 days moves the next reminder 10 days later, to the next business day', () => {
    const run = new InvoiceRun()
      .command({ type: 'openDispute', reason: 'Two crates arrived damaged' }, at('2026-04-03'))
      .command({ type: 'resolveDispute', resolution: 'rejected' }, at('2026-04-13'));
    expect(run.state.pausedDays).toBe(10);
    expect(run.state.timeline.at(-1)).toMatchObject({
      type: 'hold.ended',
      summary: 'Reminders resume; 10 days on hold move later stages back',
      data: { heldDays: 10 },
    });
    run.advanceTo(at('2026-06-30'));
    expect(run.log.slice(3)).toEqual([
      '2026-04-03 12:00 task disputeReview',
      // 8 April + 10 = Saturday 18 April
      '2026-04-20 09:00 email secondReminder',
      '2026-04-20 09:00 task secondReminderCall',
      // 15 April + 10 = Saturday 25 April
      '2026-04-27 09:00 email firmReminder',
      '2026-05-11 09:00 email finalNotice',
      '2026-05-11 09:00 task finalNoticeCall',
      '2026-05-26 09:00 agency hand-off',
    ]);
  });

  test('overlapping holds count the days once, from the first hold to the last release', () => {
    const run = new InvoiceRun()
      .command({ type: 'openDispute', reason: 'Wrong quantity' }, at('2026-04-03'))
      .command({ type: 'pause', reason: 'Customer in administration talks' }, at('2026-04-06'))
      .command({ type: 'resolveDispute', resolution: 'rejected' }, at('2026-04-08'));
    expect(run.state.pausedDays).toBe(0);
    run.command({ type: 'resume' }, at('2026-04-13'));
    expect(run.state.pausedDays).toBe(10);
  });

  test('separate holds add up', () => {
    const run = new InvoiceRun()
      .command({ type: 'pause', reason: 'Director on leave' }, at('2026-04-03'))
      .command({ type: 'resume' }, at('2026-04-06'))
      .command({ type: 'openDispute', reason: 'Price differs from quote' }, at('2026-04-09'))
      .command({ type: 'resolveDispute', resolution: 'rejected' }, at('2026-04-13'));
    expect(run.state.pausedDays).toBe(7);
  });

  test('a hold released the same day moves nothing', () => {
    const run = new InvoiceRun()
      .command({ type: 'pause', reason: 'Checking remittance' }, at('2026-04-03', 10))
      .command({ type: 'resume' }, at('2026-04-03', 16));
    expect(run.state.pausedDays).toBe(0);
    expect(run.state.timeline.at(-1)?.summary).toBe(
      'Reminders resume; 0 days on hold move later stages back',
    );
  });

  test('a promise broken before the due date delays nothing: the coming-due courtesy still goes out on its day', () => {
    const run = new InvoiceRun()
      .command({ type: 'promiseToPay', promisedDate: '2026-03-25' }, at('2026-03-20'))
      .advanceTo(at('2026-04-16'));
    expect(run.state.pausedDays).toBe(0);
    expect(run.log).toEqual([
      '2026-03-02 09:00 email invoice',
      // lapses 25 March + 3 days grace = Saturday 28 March: Monday 30 March, the coming-due day too
      '2026-03-30 09:00 task promiseBroken',
      '2026-03-30 09:00 email comingDue',
      '2026-04-02 09:00 email friendlyReminder',
      '2026-04-08 09:00 email secondReminder',
      '2026-04-08 09:00 task secondReminderCall',
      '2026-04-15 09:00 email firmReminder',
    ]);
  });

  test('a coming-due courtesy email pushed past the due date by a hold is skipped, not sent late', () => {
    const run = new InvoiceRun()
      .command({ type: 'promiseToPay', promisedDate: '2026-04-05' }, at('2026-03-20'))
      .advanceTo(at('2026-04-16'));
    // lapses 5 April + 3 days grace = Wednesday 8 April; on hold 7 days past the due date (1 April)
    expect(run.state.pausedDays).toBe(7);
    expect(run.log).toEqual([
      '2026-03-02 09:00 email invoice',
      '2026-04-08 09:00 task promiseBroken',
      // 1 April + 1 + 7 = Thursday 9 April
      '2026-04-09 09:00 email friendlyReminder',
      // 8 April + 7 = Wednesday 15 April
      '2026-04-15 09:00 email secondReminder',
      '2026-04-15 09:00 task secondReminderCall',
    ]);
    expect(run.state.stages.comingDue).toMatchObject({
      outcome: 'skipped',
      reason: 'the due date has passed',
    });
  });
});

describe('payments', () => {
  test('full payment closes the invoice as paid and nothing is ever due again', () => {
    const run = new InvoiceRun().command(payment('bank-1', 120_000), at('2026-04-03'));
    expect(statusOf(run.state)).toBe('paid');
    expect(run.state.closure).toEqual({
      status: 'paid',
      at: new Date(at('2026-04-03')).toISOString(),
      reason: 'paid in full by bank-1',
    });
    expect(nextWakeup(run.state, run.now)).toBeNull();
  });

  test('an overpayment closes as paid and records how much was overpaid', () => {
    const run = new InvoiceRun().command(payment('bank-1', 130_000), at('2026-04-03'));
    expect(run.state).toMatchObject({ balance: 0, overpaid: 10_000, closure: { status: 'paid' } });
    expect(run.state.timeline.slice(-2)).toMatchObject([
      {
        type: 'payment.recorded',
        summary: 'Payment of 130000 received (reference bank-1); balance 0; overpaid by 10000',
        data: { reference: 'bank-1', amount: 130_000, balance: 0, overpaid: 10_000 },
      },
      { type: 'invoice.paid' },
    ]);
  });

  test('a partial payment lowers the balance and leaves the ladder on schedule', () => {
    const run = new InvoiceRun().command(payment('bank-1', 50_000), at('2026-04-03'));
    expect(run.state.balance).toBe(70_000);
    expect(localClock(nextWakeup(run.state, run.now)!.at)).toBe('2026-04-08 09:00');
  });

  test('a payment recorded again under its reference changes nothing: same state, no effects', () => {
    const run = new InvoiceRun().command(payment('bank-1', 50_000), at('2026-04-03'));
    const again = applyCommand(run.state, payment('bank-1', 50_000), at('2026-04-04'));
    expect(again.state).toBe(run.state);
    expect(again.effects).toEqual([]);
  });

  test('the same reference with a different amount is refused as a conflict', () => {
    const run = new InvoiceRun().command(payment('bank-1', 50_000), at('2026-04-03'));
    expect(refusalOf(() => applyCommand(run.state, payment('bank-1', 60_000), at('2026-04-04')))).toEqual({
      kind: 'conflict',
      message:
        'Payment reference bank-1 was already recorded with amount 50000; use a new reference for a different payment.',
    });
  });

  test('a payment in another currency is refused as invalid', () => {
    const run = new InvoiceRun();
    expect(
      refusalOf(() => applyCommand(run.state, payment('bank-1', 50_000, 'USD'), at('2026-04-04'))),
    ).toEqual({
      kind: 'invalid',
      message: "Payment currency USD differs from the invoice's EUR.",
    });
  });

  test.each([
    [
      { type: 'cancel', reason: 'Voided' } as InvoiceCommand,
      'Invoice is cancelled; recordPayment is not possible.',
    ],
    [
      { type: 'writeOff', reason: 'Ceased trading' } as InvoiceCommand,
      'Invoice is written off; recordPayment is not possible.',
    ],
  ])('a payment on a closed invoice is refused: %o', (closing, message) => {
    const run = new InvoiceRun().command(closing, at('2026-04-03'));
    expect(refusalOf(() => applyCommand(run.state, payment('bank-1', 1_000), at('2026-04-04')))).toEqual({
      kind: 'conflict',
      message,
    });
  });
});

describe('disputes', () => {
  const disputed = () =>
    new InvoiceRun().command({ type: 'openDispute', reason: 'Damaged goods' }, at('2026-04-03'));

  test('an open dispute stops every wakeup and opens a manager review', () => {
    const run = disputed();
    expect(statusOf(run.state)).toBe('disputed');
    expect(nextWakeup(run.state, run.now)).toBeNull();
    expect(run.log.at(-1)).toBe('2026-04-03 12:00 task disputeReview');
  });

  test('upheld credits and closes the invoice', () => {
    const run = disputed().command({ type: 'resolveDispute', resolution: 'upheld' }, at('2026-04-10'));
    expect(run.state.closure).toMatchObject({ status: 'credited', reason: 'dispute upheld' });
  });

  test('adjusted sets the new balance and the ladder resumes', () => {
    const run = disputed().command(
      { type: 'resolveDispute', resolution: 'adjusted', adjustedBalance: 80_000 },
      at('2026-04-10'),
    );
    expect(run.state).toMatchObject({ balance: 80_000, dispute: null, pausedDays: 7 });
    expect(localClock(nextWakeup(run.state, run.now)!.at)).toBe('2026-04-15 09:00');
  });

  test('adjusted to nothing credits the invoice', () => {
    const run = disputed().command(
      { type: 'resolveDispute', resolution: 'adjusted', adjustedBalance: 0 },
      at('2026-04-10'),
    );
    expect(run.state.closure?.status).toBe('credited');
  });

  test('refusals say what to do instead', () => {
    const run = disputed();
    expect(
      refusalOf(() => applyCommand(run.state, { type: 'openDispute', reason: 'again' }, run.now)),
    ).toEqual({
      kind: 'conflict',
      message: 'A dispute is already open; resolve it first.',
    });
    expect(
      refusalOf(() =>
        applyCommand(
          run.state,
          { type: 'resolveDispute', resolution: 'adjusted', adjustedBalance: 120_000 },
          run.now,
        ),
      ),
    ).toEqual({
      kind: 'invalid',
      message: 'An adjusted dispute needs adjustedBalance between 0 and 119999 (the balance now is 120000).',
    });
    expect(
      refusalOf(() =>
        applyCommand(new InvoiceRun().state, { type: 'resolveDispute', resolution: 'rejected' }, run.now),
      ),
    ).toEqual({ kind: 'conflict', message: 'No dispute is open on this invoice.' });
  });
});

describe('promises to pay', () => {
  test('a promise pauses until the promised date plus grace; broken, it opens a task and the ladder resumes', () => {
    const run = new InvoiceRun()
      .command({ type: 'promiseToPay', promisedDate: '2026-04-10' }, at('2026-04-03'))
      .advanceTo(at('2026-04-30'));
    // 10 April + 3 days grace = Monday 13 April; held 3 → 13 April = 10 days
    expect(run.log.slice(3)).toEqual([
      '2026-04-13 09:00 task promiseBroken',
      '2026-04-20 09:00 email secondReminder',
      '2026-04-20 09:00 task secondReminderCall',
      '2026-04-27 09:00 email firmReminder',
    ]);
    expect(run.timelineTypes()).toContain('promise.broken');
  });

  test('a partial promise that is kept resumes the ladder for the rest without a task', () => {
    const run = new InvoiceRun()
      .command({ type: 'promiseToPay', promisedDate: '2026-04-10', amount: 40_000 }, at('2026-04-03'))
      .command(payment('bank-1', 40_000), at('2026-04-09'))
      .advanceTo(at('2026-04-14'));
    expect(run.log.slice(3)).toEqual([]);
    expect(run.state.timeline.find((entry) => entry.type === 'promise.kept')).toMatchObject({
      at: new Date(at('2026-04-13', 9)).toISOString(),
      data: { paidSince: 40_000 },
    });
    expect(run.state.promise).toBeNull();
  });

  test('refusals: a date in the past, more than the balance, over an open dispute', () => {
    const run = new InvoiceRun();
    expect(
      refusalOf(() =>
        applyCommand(run.state, { type: 'promiseToPay', promisedDate: '2026-04-02' }, at('2026-04-03')),
      ),
    ).toEqual({ kind: 'invalid', message: 'promisedDate 2026-04-02 is in the past (today is 2026-04-03).' });
    expect(
      refusalOf(() =>
        applyCommand(
          run.state,
          { type: 'promiseToPay', promisedDate: '2026-04-10', amount: 120_001 },
          at('2026-04-03'),
        ),
      ),
    ).toEqual({ kind: 'invalid', message: 'A promised amount must be between 1 and the balance, 120000.' });
    run.command({ type: 'openDispute', reason: 'Damaged' }, at('2026-04-03'));
    expect(
      refusalOf(() =>
        applyCommand(run.state, { type: 'promiseToPay', promisedDate: '2026-04-10' }, at('2026-04-03')),
      ),
    ).toEqual({
      kind: 'conflict',
      message: 'A promise cannot replace an open dispute or an active payment plan.',
    });
  });
});

describe('payment plans', () => {
  const installments = [
    { dueDate: '2026-04-24', amount: 40_000 },
    { dueDate: '2026-05-08', amount: 40_000 },
    { dueDate: '2026-05-22', amount: 40_000 },
  ];
  const onPlan = () =>
    new InvoiceRun()
      .advanceTo(at('2026-04-16'))
      .command({ type: 'acceptPaymentPlan', installments }, at('2026-04-16'));

  test.each([
    [[], 'A payment plan needs between 1 and 12 installments.'],
    [
      Array.from({ length: 13 }, (_, index) => ({
        dueDate: addDays('2026-04-20', index * 7),
        amount: 10_000,
      })),
      'A payment plan needs between 1 and 12 installments.',
    ],
    [
      [
        { dueDate: '2026-04-24', amount: 40_000 },
        { dueDate: '2026-05-08', amount: 40_000 },
      ],
      'Installments sum to 80000 but the balance is 120000; make them add up to the balance exactly.',
    ],
    [
      [
        { dueDate: '2026-04-24', amount: 130_000 },
        { dueDate: '2026-05-08', amount: -10_000 },
      ],
      'Installment 2 must be a positive amount.',
    ],
    [
      [{ dueDate: '2026-04-15', amount: 120_000 }],
      'The first installment is due 2026-04-15, before today (2026-04-16).',
    ],
    [
      [
        { dueDate: '2026-05-08', amount: 60_000 },
        { dueDate: '2026-05-08', amount: 60_000 },
      ],
      'Installment 2 must fall after installment 1.',
    ],
  ])('an invalid plan is refused and nothing changes: %#', (badInstallments, message) => {
    const run = new InvoiceRun().advanceTo(at('2026-04-16'));
    const before = run.state;
    expect(
      refusalOf(() =>
        applyCommand(before, { type: 'acceptPaymentPlan', installments: badInstallments }, at('2026-04-16')),
      ),
    ).toEqual({ kind: 'invalid', message });
    expect(run.state).toBe(before);
  });

  test('a plan is refused over an open dispute and while another runs', () => {
    const disputed = new InvoiceRun().command({ type: 'openDispute', reason: 'Damaged' }, at('2026-04-16'));
    expect(
      refusalOf(() =>
        applyCommand(disputed.state, { type: 'acceptPaymentPlan', installments }, at('2026-04-16')),
      ),
    ).toEqual({ kind: 'conflict', message: 'Resolve the open dispute before agreeing a payment plan.' });
    expect(
      refusalOf(() =>
        applyCommand(onPlan().state, { type: 'acceptPaymentPlan', installments }, at('2026-04-17')),
      ),
    ).toEqual({ kind: 'conflict', message: 'A payment plan is already active.' });
  });

  test('each installment gets a reminder 3 days before; paying them all closes the invoice as paid', () => {
    const run = onPlan()
      .command(payment('inst-1', 40_000), at('2026-04-24'))
      .command(payment('inst-2', 40_000), at('2026-05-08'))
      .command(payment('inst-3', 40_000), at('2026-05-22'));
    expect(run.log.slice(6)).toEqual([
      '2026-04-21 09:00 email plan-1-installment-1',
      '2026-05-05 09:00 email plan-1-installment-2',
      '2026-05-19 09:00 email plan-1-installment-3',
    ]);
    expect(run.state.closure?.status).toBe('paid');
  });

  test('a missed installment defaults the plan after grace and escalation resumes from where it stood', () => {
    const run = onPlan().command(payment('inst-1', 40_000), at('2026-04-24')).advanceTo(at('2026-06-30'));
    expect(run.log.slice(6)).toEqual([
      '2026-04-21 09:00 email plan-1-installment-1',
      '2026-05-05 09:00 email plan-1-installment-2',
      // 8 May + 5 days grace = Wednesday 13 May; on plan 16 April → 13 May = 27 days
      '2026-05-13 09:00 task planDefaulted',
      // the final notice was 15 days away when the plan began: 1 May + 27 = Thursday 28 May
      '2026-05-28 09:00 email finalNotice',
      '2026-05-28 09:00 task finalNoticeCall',
      // 16 May + 27 = Friday 12 June; the last response (the payment of 24 April) is more than 45 days back
      '2026-06-12 09:00 agency hand-off',
    ]);
    expect(run.state).toMatchObject({ plan: null, pausedDays: 27, balance: 80_000 });
  });

  test('a reminder whose day has passed when the plan is agreed is not sent late', () => {
    const run = new InvoiceRun()
      .advanceTo(at('2026-04-16'))
      .command(
        { type: 'acceptPaymentPlan', installments: [{ dueDate: '2026-04-17', amount: 120_000 }] },
        at('2026-04-16'),
      )
      .advanceTo(at('2026-04-20'));
    expect(run.log.slice(6)).toEqual([]);
    expect(run.state.plan?.installments[0]?.reminded).toBe(true);
  });
});

describe('the customer response clock and the agency', () => {
  test('a response resets the 45-day silence: the hand-off waits until 45 days after the last response', () => {
    const run = new InvoiceRun()
      .command({ type: 'recordCustomerResponse', note: 'Will check with AP' }, at('2026-04-20', 8))
      .command(
        { type: 'completeTask', taskKey: 'finalNotice', outcome: 'Spoke to AP', customerReached: true },
        at('2026-05-04', 8),
      )
      .advanceTo(at('2026-08-01'));
    // 4 May 08:00 + 45 days = Thursday 18 June 08:00: the next send slot is 09:00 that day
    expect(run.log.at(-1)).toBe('2026-06-18 09:00 agency hand-off');
  });

  test('with the agency, in-house commands are refused; the outcome is recorded instead', () => {
    const run = new InvoiceRun().advanceTo(at('2026-05-19'));
    expect(statusOf(run.state)).toBe('with_agency');
    expect(
      refusalOf(() => applyCommand(run.state, { type: 'promiseToPay', promisedDate: '2026-05-30' }, run.now)),
    ).toEqual({
      kind: 'conflict',
      message: 'The account is with the collection agency; record its outcome, not record a promise to pay.',
    });
    expect(
      refusalOf(() =>
        applyCommand(run.state, { type: 'recordAgencyOutcome', outcome: 'recovered' }, run.now),
      ),
    ).toEqual({
      kind: 'invalid',
      message: 'A recovered outcome needs recoveredAmount, a positive amount in minor units.',
    });
    run.command({ type: 'recordAgencyOutcome', outcome: 'returned', note: 'No assets' }, at('2026-06-01'));
    expect(statusOf(run.state)).toBe('returned_by_agency');
    expect(run.log.at(-1)).toBe('2026-06-01 12:00 task agencyReturned');
    expect(
      refusalOf(() => applyCommand(run.state, { type: 'recordAgencyOutcome', outcome: 'returned' }, run.now)),
    ).toEqual({ kind: 'conflict', message: 'The account is not with the agency.' });
  });
});

describe('amendments, pause and resume', () => {
  test('refusals: nothing changed, a due date before the issue date, a new amount during a plan', () => {
    const run = new InvoiceRun();
    expect(
      refusalOf(() => applyCommand(run.state, { type: 'amend', reason: 'typo' }, at('2026-03-05'))),
    ).toEqual({
      kind: 'invalid',
      message: 'The amendment changes nothing: give a new amount, dueDate or customerEmail.',
    });
    expect(
      refusalOf(() =>
        applyCommand(run.state, { type: 'amend', dueDate: '2026-03-01', reason: 'typo' }, at('2026-03-05')),
      ),
    ).toEqual({ kind: 'invalid', message: 'dueDate 2026-03-01 is before the issue date 2026-03-02.' });
    run
      .advanceTo(at('2026-04-16'))
      .command(
        { type: 'acceptPaymentPlan', installments: [{ dueDate: '2026-05-01', amount: 120_000 }] },
        at('2026-04-16'),
      );
    expect(
      refusalOf(() =>
        applyCommand(run.state, { type: 'amend', amount: 100_000, reason: 'discount' }, at('2026-04-17')),
      ),
    ).toEqual({
      kind: 'conflict',
      message: 'The amount cannot change while a payment plan runs on the old balance.',
    });
  });

  test('a new amount below what was paid closes the invoice as paid', () => {
    const run = new InvoiceRun()
      .command(payment('bank-1', 100_000), at('2026-04-03'))
      .command({ type: 'amend', amount: 90_000, reason: 'Volume discount' }, at('2026-04-06'));
    expect(run.state).toMatchObject({ balance: 0, overpaid: 10_000, closure: { status: 'paid' } });
  });

  test('pausing twice and resuming what is not paused are refused', () => {
    const run = new InvoiceRun().command({ type: 'pause', reason: 'Audit' }, at('2026-04-03'));
    expect(refusalOf(() => applyCommand(run.state, { type: 'pause', reason: 'again' }, run.now))).toEqual({
      kind: 'conflict',
      message: 'Reminders are already paused.',
    });
    run.command({ type: 'resume' }, at('2026-04-06'));
    expect(refusalOf(() => applyCommand(run.state, { type: 'resume' }, run.now))).toEqual({
      kind: 'conflict',
      message: 'Reminders are not paused by hand.',
    });
  });
});

describe('refusals of fire-and-forget signals', () => {
  test('are written to the timeline with the reason, and change nothing else', () => {
    const run = new InvoiceRun().command(payment('bank-1', 50_000), at('2026-04-03'));
    const command = payment('bank-1', 60_000);
    const reason = refusalOf(() => applyCommand(run.state, command, at('2026-04-04')));
    const refused = recordRefusal(
      run.state,
      command,
      new CommandRejected('conflict', reason.message),
      at('2026-04-04'),
    );
    expect(refused.effects).toEqual([]);
    expect(refused.state.timeline.at(-1)).toMatchObject({
      type: 'command.refused',
      summary: `recordPayment refused: ${reason.message}`,
      data: { command: 'recordPayment', kind: 'conflict' },
    });
    expect(refused.state).toMatchObject({ balance: 70_000, payments: run.state.payments });
  });
});

describe('policies are data', () => {
  test('a policy with another send hour and grace sends at its own hour', () => {
    const policy: CollectionPolicy = { ...defaultPolicy, id: 'early', sendHour: 7, promiseGraceDays: 0 };
    const run = new InvoiceRun(terms(), at('2026-03-01'), policy)
      .command({ type: 'promiseToPay', promisedDate: '2026-04-10' }, at('2026-04-03'))
      .advanceTo(at('2026-04-11'));
    expect(run.log.slice(-1)).toEqual(['2026-04-10 07:00 task promiseBroken']);
  });
});

describe('tasks', () => {
  test('a second bounce from the same address opens no second task, and says so only once on the timeline', () => {
    const bounce = {
      type: 'reportEmailProblem',
      kind: 'hardBounce',
      emailAddress: 'ap@harbour-cafe.example',
      description: 'Mailbox does not exist',
    } as const;
    const run = new InvoiceRun().command(bounce, at('2026-04-03')).command(bounce, at('2026-04-09'));
    expect(run.log.filter((line) => line.includes('task fixEmailAddress'))).toEqual([
      '2026-04-03 12:00 task fixEmailAddress',
    ]);
    expect(
      run.state.timeline.filter(
        (entry) => entry.type === 'task.opened' && entry.data.taskKind === 'fixEmailAddress',
      ),
    ).toHaveLength(1);
    expect(run.state.timeline.filter((entry) => entry.type === 'email.undeliverable')).toHaveLength(2);
  });
});
