import { invoice } from '../../api/schemas/invoice';
import { paymentPlanProposal } from '../../api/schemas/commands';
import type { ApiRole } from '../../domain/roles';
import { daysFromToday, eventually, newInvoiceBody, startApiStack, type ApiStack } from './api-stack';

let api: ApiStack;

beforeAll(async () => {
  api = await startApiStack();
});

afterAll(async () => {
  await api?.close();
});

async function started(invoiceId: string, dueInDays = 30): Promise<string> {
  const answer = await api.request('POST', '/invoices', {
    as: 'billing-system',
    body: newInvoiceBody(invoiceId, dueInDays),
  });
  expect(answer.status).toBe(201);
  return invoiceId;
}

const act = (as: ApiRole, invoiceId: string, action: string, body: unknown) =>
  api.request('POST', `/invoices/${invoiceId}/${action}`, { as, body });

const timelineTypes = async (invoiceId: string) =>
  (await api.request('GET', `/invoices/${invoiceId}/timeline`, { as: 'manager' })).body.items.map(
    (entry: { type: string }) => entry.type,
  );

describe('payments', () => {
  test('a partial payment lowers the balance, keeps the ladder going and names who recorded it', async () => {
    const id = await started('pay-partial');
    const answer = await act('bookkeeper', id, 'payments', {
      reference: 'BANK-1',
      amount: 20_000,
      currency: 'EUR',
    });
    expect(answer.status).toBe(200);
    expect(invoice.parse(answer.body)).toMatchObject({
      status: 'open',
      balance: 100_000,
      amountPaid: 20_000,
    });
    const entries = (await api.request('GET', `/invoices/${id}/timeline`, { as: 'manager' })).body.items;
    expect(entries.at(-1)).toMatchObject({
      type: 'payment.recorded',
      actor: 'bookkeeper-key',
      data: { reference: 'BANK-1' },
    });
  });

  test('the same reference and amount again changes nothing; another amount under it is a 409', async () => {
    const id = await started('pay-again');
    const payment = { reference: 'BANK-7', amount: 20_000, currency: 'EUR' };
    await act('billing-system', id, 'payments', payment);
    const again = await act('billing-system', id, 'payments', payment);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ balance: 100_000, amountPaid: 20_000 });

    const different = await act('billing-system', id, 'payments', { ...payment, amount: 5_000 });
    expect(different.status).toBe(409);
    expect(different.body).toMatchObject({
      type: '/problems/invoice-state-conflict',
      detail: expect.stringContaining('use a new reference'),
    });
  });

  test('20 identical payments at once record one payment', async () => {
    const id = await started('pay-concurrent');
    const payment = { reference: 'BANK-20', amount: 30_000, currency: 'EUR' };
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => act('billing-system', id, 'payments', payment)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    for (const answer of answers) expect(answer.body).toMatchObject({ balance: 90_000, amountPaid: 30_000 });
    expect((await timelineTypes(id)).filter((type: string) => type === 'payment.recorded')).toHaveLength(1);
    const rows = await eventually(async () => {
      const payments = await api.stack.database.db.payment.findMany({ where: { invoiceId: id } });
      return payments.length > 0 && payments;
    });
    expect(rows.map((row) => [row.reference, row.amount])).toEqual([['BANK-20', 30_000n]]);
  });

  test('a payment in another currency is refused with 422 and the reason', async () => {
    const id = await started('pay-currency');
    const answer = await act('billing-system', id, 'payments', {
      reference: 'BANK-9',
      amount: 1_000,
      currency: 'USD',
    });
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({
      type: '/problems/command-refused',
      detail: "Payment currency USD differs from the invoice's EUR.",
    });
  });

  test('full payment closes the invoice; a retry of it is harmless and a new payment is a 409 "closed"', async () => {
    const id = await started('pay-full');
    const full = { reference: 'BANK-ALL', amount: 120_000, currency: 'EUR' };
    expect((await act('billing-system', id, 'payments', full)).body).toMatchObject({
      status: 'paid',
      balance: 0,
    });
    await api.workflow(id).result();

    const retried = await act('billing-system', id, 'payments', full);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'paid', amountPaid: 120_000 });

    const another = await act('billing-system', id, 'payments', {
      reference: 'BANK-MORE',
      amount: 1,
      currency: 'EUR',
    });
    expect(another.status).toBe(409);
    expect(another.body).toMatchObject({
      type: '/problems/invoice-closed',
      invoiceStatus: 'paid',
      detail: expect.stringContaining('is paid'),
    });
  });

  test('a payment body with a fractional or missing amount is a 400 and reaches no workflow', async () => {
    const id = await started('pay-invalid');
    const answer = await act('billing-system', id, 'payments', { reference: 'BANK-X', amount: 10.5 });
    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((error: { path: string }) => error.path)).toEqual(['amount', 'currency']);
    expect(await timelineTypes(id)).not.toContain('payment.recorded');
  });

  test('an action on an unknown invoice is a 404', async () => {
    const answer = await act('billing-system', 'never-started', 'payments', {
      reference: 'B',
      amount: 1,
      currency: 'EUR',
    });
    expect(answer.status).toBe(404);
    expect(answer.body.type).toBe('/problems/not-found');
  });
});

describe('disputes', () => {
  test('opening a dispute pauses the ladder and opens a manager task; a second one is a 409', async () => {
    const id = await started('dispute-open', -10);
    const answer = await act('bookkeeper', id, 'disputes', { reason: 'Delivery of 2 March incomplete' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      status: 'disputed',
      dispute: { reason: 'Delivery of 2 March incomplete' },
      nextAction: null,
    });
    const task = await eventually(() =>
      api.stack.database.db.task
        .findFirst({ where: { invoiceId: id, kind: 'disputeReview' } })
        .then((row) => row ?? undefined),
    );
    expect(task).toMatchObject({ role: 'manager', status: 'open' });

    const second = await act('bookkeeper', id, 'disputes', { reason: 'Again' });
    expect(second.status).toBe(409);
    expect(second.body.detail).toBe('A dispute is already open; resolve it first.');
  });

  test('an adjusted resolution sets the new balance; one above the balance is refused with the range', async () => {
    const id = await started('dispute-adjust');
    await act('bookkeeper', id, 'disputes', { reason: 'Price disagreement' });
    const tooHigh = await act('manager', id, 'dispute-resolutions', {
      resolution: 'adjusted',
      adjustedBalance: 500_000,
    });
    expect(tooHigh.status).toBe(422);
    expect(tooHigh.body.detail).toContain('between 0 and 119999');

    const adjusted = await act('manager', id, 'dispute-resolutions', {
      resolution: 'adjusted',
      adjustedBalance: 100_000,
      note: 'Agreed discount',
    });
    expect(adjusted.status).toBe(200);
    expect(adjusted.body).toMatchObject({ status: 'open', balance: 100_000, dispute: null });
  });

  test('an upheld dispute credits and closes the invoice', async () => {
    const id = await started('dispute-upheld');
    await act('bookkeeper', id, 'disputes', { reason: 'Goods never arrived' });
    const upheld = await act('manager', id, 'dispute-resolutions', { resolution: 'upheld' });
    expect(upheld.body).toMatchObject({ status: 'credited', closedReason: 'dispute upheld' });
  });

  test('resolving with no dispute open is a 409; "adjusted" without adjustedBalance is a 400', async () => {
    const id = await started('dispute-none');
    expect((await act('manager', id, 'dispute-resolutions', { resolution: 'rejected' })).status).toBe(409);
    const incomplete = await act('manager', id, 'dispute-resolutions', { resolution: 'adjusted' });
    expect(incomplete.status).toBe(400);
    expect(incomplete.body.errors).toEqual([expect.objectContaining({ path: 'adjustedBalance' })]);
  });
});

describe('customer contact', () => {
  test('a customer response resets the no-response clock', async () => {
    const id = await started('respond');
    const answer = await act('bookkeeper', id, 'customer-responses', {
      note: 'Will pay after the board meeting',
    });
    expect(answer.status).toBe(200);
    expect(answer.body.lastCustomerResponseAt).toEqual(expect.any(String));
    expect(await timelineTypes(id)).toContain('customer.responded');
  });

  test('a promise to pay pauses reminders until its date; one in the past is refused', async () => {
    const id = await started('promise', -10);
    const promisedDate = daysFromToday(10);
    const answer = await act('bookkeeper', id, 'payment-promises', {
      promisedDate,
      note: 'Payment run on the 15th',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'promised', promise: { promisedDate, amount: 120_000 } });

    const past = await act('bookkeeper', await started('promise-past'), 'payment-promises', {
      promisedDate: daysFromToday(-3),
    });
    expect(past.status).toBe(422);
    expect(past.body.detail).toContain('is in the past');
  });
});

describe('payment plans', () => {
  test('a proposal splits the balance exactly; accepting it puts the invoice on the plan', async () => {
    const id = await started('plan');
    await act('billing-system', id, 'payments', { reference: 'DEPOSIT', amount: 20_001, currency: 'EUR' });
    const firstDueDate = daysFromToday(14);
    const proposal = await act('manager', id, 'payment-plan-proposals', {
      installmentCount: 3,
      firstDueDate,
      intervalDays: 30,
    });
    expect(proposal.status).toBe(200);
    expect(paymentPlanProposal.parse(proposal.body)).toEqual({
      currency: 'EUR',
      balance: 99_999,
      installments: [
        { dueDate: firstDueDate, amount: 33_333 },
        { dueDate: daysFromToday(44), amount: 33_333 },
        { dueDate: daysFromToday(74), amount: 33_333 },
      ],
    });

    const accepted = await act('bookkeeper', id, 'payment-plans', {
      installments: proposal.body.installments,
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      status: 'on_plan',
      paymentPlan: { installments: expect.any(Array) },
    });
    expect(accepted.body.paymentPlan.installments).toHaveLength(3);
  });

  test('installments that do not add up to the balance are refused with both sums', async () => {
    const id = await started('plan-short');
    const answer = await act('bookkeeper', id, 'payment-plans', {
      installments: [{ dueDate: daysFromToday(10), amount: 50_000 }],
    });
    expect(answer.status).toBe(422);
    expect(answer.body.detail).toBe(
      'Installments sum to 50000 but the balance is 120000; make them add up to the balance exactly.',
    );
  });

  test('a proposal with more installments than the policy allows is refused', async () => {
    const answer = await act('manager', await started('plan-many'), 'payment-plan-proposals', {
      installmentCount: 13,
      firstDueDate: daysFromToday(10),
    });
    expect(answer.status).toBe(422);
    expect(answer.body.detail).toContain('at most 12 installments');
  });
});

describe('pause, resume and write-off', () => {
  test('pausing holds the ladder, pausing again is a 409, resuming lifts it', async () => {
    const id = await started('pause');
    const paused = await act('bookkeeper', id, 'pause', { reason: 'Customer on holiday' });
    expect(paused.body).toMatchObject({
      status: 'paused',
      pausedReason: 'Customer on holiday',
      nextAction: null,
    });
    expect((await act('bookkeeper', id, 'pause', { reason: 'Again' })).status).toBe(409);
    const resumed = await act('manager', id, 'resume', {});
    expect(resumed.body).toMatchObject({ status: 'open', pausedReason: null });
    const notPaused = await act('manager', id, 'resume', { note: 'twice' });
    expect(notPaused.status).toBe(409);
    expect(notPaused.body.detail).toBe('Reminders are not paused by hand.');
  });

  test('a write-off closes the invoice', async () => {
    const answer = await act('manager', await started('write-off'), 'write-off', {
      reason: 'Customer insolvent',
    });
    expect(answer.body).toMatchObject({ status: 'written_off', closedReason: 'Customer insolvent' });
  });
});

describe('the collection agency', () => {
  test('a recovery counts as payment and closes the invoice', async () => {
    const id = await api.invoiceWithAgency('agency-recovered');
    const answer = await act('agency', id, 'agency-outcomes', {
      outcome: 'recovered',
      recoveredAmount: 120_000,
      reference: 'AG-1',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'paid', amountPaid: 120_000 });
  });

  test('a returned account comes back with a manager task', async () => {
    const id = await api.invoiceWithAgency('agency-returned');
    const answer = await act('agency', id, 'agency-outcomes', {
      outcome: 'returned',
      note: 'Debtor unreachable',
    });
    expect(answer.body).toMatchObject({ status: 'returned_by_agency' });
    await eventually(() =>
      api.stack.database.db.task
        .findFirst({ where: { invoiceId: id, kind: 'agencyReturned' } })
        .then((row) => row ?? undefined),
    );
  });

  test('an outcome for an account not with the agency is a 409', async () => {
    const answer = await act('agency', await started('agency-none'), 'agency-outcomes', {
      outcome: 'returned',
    });
    expect(answer.status).toBe(409);
    expect(answer.body.detail).toBe('The account is not with the agency.');
  });
});

describe('amend and cancel', () => {
  test('an amendment changes the amount and the due date', async () => {
    const id = await started('amend');
    const dueDate = daysFromToday(45);
    const answer = await act('billing-system', id, 'amendments', {
      amount: 110_000,
      dueDate,
      reason: 'Credit note CN-17',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ originalAmount: 110_000, balance: 110_000, dueDate });
  });

  test('an amendment without a change is a 400; a due date before the issue date is a 422', async () => {
    const id = await started('amend-invalid');
    const empty = await act('billing-system', id, 'amendments', { reason: 'Nothing' });
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0].message).toContain('at least one of amount, dueDate or customerEmail');
    const backwards = await act('billing-system', id, 'amendments', {
      dueDate: daysFromToday(-400),
      reason: 'Typo',
    });
    expect(backwards.status).toBe(422);
  });

  test('cancelling closes the invoice; cancelling again is a 409 "closed"', async () => {
    const id = await started('cancel');
    expect((await act('billing-system', id, 'cancellation', { reason: 'Issued in error' })).body.status).toBe(
      'cancelled',
    );
    await api.workflow(id).result();
    const again = await act('billing-system', id, 'cancellation', { reason: 'Again' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      type: '/problems/invoice-closed',
      detail: `Invoice ${id} is cancelled; cancel is not possible.`,
    });
  });
});
