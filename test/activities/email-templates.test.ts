import { describeDaysOverdue } from '../../domain/invoice';
import { formatLocalDate, renderEmail, type EmailContext } from '../../activities/email-templates';
import { emailTemplateIds, type EmailTemplateId } from '../../domain/policy';

const daysOverdueAtStage: Record<EmailTemplateId, number> = {
  invoice: -30,
  comingDue: -3,
  friendlyReminder: 1,
  secondReminder: 7,
  firmReminder: 14,
  finalNotice: 30,
  installmentReminder: 40,
};

function emailContext(template: EmailTemplateId, overrides: Partial<EmailContext> = {}): EmailContext {
  return {
    template,
    customerName: 'Harbour Café Ltd',
    invoiceNumber: 'INV-2026-014',
    currency: 'EUR',
    originalAmount: 123456,
    amountDue: 123456,
    issueDate: '2026-02-12',
    dueDate: '2026-03-14',
    daysOverdue: daysOverdueAtStage[template],
    offersPaymentPlan: template === 'firmReminder',
    installment:
      template === 'installmentReminder'
        ? { sequence: 2, count: 4, amount: 30864, dueDate: '2026-05-01' }
        : undefined,
    sender: {
      companyName: 'Northwind Joinery',
      contactName: 'Priya Shah',
      contactEmail: 'accounts@northwind.example',
      contactPhone: '+44 20 7946 0000',
      paymentInstructions: 'Bank transfer to Northwind Joinery Ltd\nIBAN GB33 BUKB 2020 1555 5555 55',
    },
    ...overrides,
  };
}

function bodies(template: EmailTemplateId, overrides: Partial<EmailContext> = {}): string {
  const email = renderEmail(emailContext(template, overrides));
  return `${email.subject}\n${email.textBody}\n${email.htmlBody}`;
}

describe('renderEmail', () => {
  test.each(emailTemplateIds)(
    '%s states the amount, invoice number, the due date that applies, how to pay and whom to contact',
    (template) => {
      const { subject, textBody, htmlBody } = renderEmail(emailContext(template));
      // An installment reminder is about the installment's own due date.
      const dueDate = template === 'installmentReminder' ? '1 May 2026' : '14 March 2026';

      expect(subject).toContain('INV-2026-014');
      for (const body of [textBody, htmlBody]) {
        expect(body).toContain('€1,234.56');
        expect(body).toContain('INV-2026-014');
        expect(body).toContain(dueDate);
        expect(body).toContain('Bank transfer to Northwind Joinery Ltd');
        expect(body).toContain('Priya Shah');
        expect(body).toContain('accounts@northwind.example');
        expect(body).toContain('+44 20 7946 0000');
      }
    },
  );

  test('gives every template its own subject', () => {
    const subjects = emailTemplateIds.map((template) => renderEmail(emailContext(template)).subject);

    expect(new Set(subjects).size).toBe(emailTemplateIds.length);
  });

  test('writes a plain-text body with no HTML in it', () => {
    for (const template of emailTemplateIds) {
      expect(renderEmail(emailContext(template)).textBody).not.toMatch(/<[a-z/!]/i);
    }
  });

  test('formats minor units exactly in the currency of the invoice', () => {
    const yen = renderEmail(
      emailContext('friendlyReminder', { currency: 'JPY', originalAmount: 5000, amountDue: 5000 }),
    );
    const dinar = renderEmail(
      emailContext('friendlyReminder', { currency: 'KWD', originalAmount: 1005, amountDue: 1005 }),
    );

    expect(yen.textBody).toContain('invoice INV-2026-014 for ¥5,000 was due on 14 March 2026');
    expect(dinar.textBody).toContain('KWD\u00a01.005');
  });

  test('leaves the phone number out of the contact line when the sender has none', () => {
    const sender = { ...emailContext('invoice').sender, contactPhone: undefined };

    expect(renderEmail(emailContext('invoice', { sender })).textBody).toContain(
      'If you have any questions, please contact Priya Shah at accounts@northwind.example.\n',
    );
  });
});

describe('dates and days overdue', () => {
  test('writes a LocalDate as day, month name and year without shifting it by a time zone', () => {
    expect(formatLocalDate('2026-03-14')).toBe('14 March 2026');
    expect(formatLocalDate('2026-01-01')).toBe('1 January 2026');
    expect(formatLocalDate('2025-12-31')).toBe('31 December 2025');
  });

  test('rejects a date that is not YYYY-MM-DD, naming the expected form', () => {
    expect(() => formatLocalDate('14/03/2026')).toThrow(
      'date must be a LocalDate in YYYY-MM-DD form, e.g. "2026-03-14"; got "14/03/2026"',
    );
    expect(() => formatLocalDate('2026-13-01')).toThrow('got "2026-13-01"');
    expect(() => renderEmail(emailContext('invoice', { dueDate: '2026-3-14' }))).toThrow('got "2026-3-14"');
  });

  test('describes days overdue in singular, plural, today and not yet due', () => {
    expect(describeDaysOverdue(1)).toBe('1 day overdue');
    expect(describeDaysOverdue(7)).toBe('7 days overdue');
    expect(describeDaysOverdue(0)).toBe('due today');
    expect(describeDaysOverdue(-3)).toBe('due in 3 days');
  });

  test('tells a customer how many days overdue each reminder is', () => {
    expect(renderEmail(emailContext('friendlyReminder')).textBody).toContain(
      'was due on 14 March 2026 and is now 1 day overdue',
    );
    expect(renderEmail(emailContext('secondReminder')).subject).toBe(
      'Second reminder: invoice INV-2026-014 is 7 days overdue',
    );
    expect(renderEmail(emailContext('firmReminder')).textBody).toMatch(/Days overdue: +14\n/);
    expect(renderEmail(emailContext('finalNotice')).textBody).toContain('is now 30 days overdue');
  });

  test('announces a coming due date without calling it overdue', () => {
    const { textBody } = renderEmail(emailContext('comingDue'));

    expect(textBody).toContain('invoice INV-2026-014 for €1,234.56 is due in 3 days, on 14 March 2026');
    expect(textBody).not.toContain('overdue');
  });
});

describe('tone climbs from gentle to firm', () => {
  const gentleTemplates: EmailTemplateId[] = [
    'invoice',
    'comingDue',
    'friendlyReminder',
    'secondReminder',
    'firmReminder',
    'installmentReminder',
  ];

  test.each(gentleTemplates)('%s does not mention a collection agency or a final notice', (template) => {
    const text = bodies(template).toLowerCase();

    expect(text).not.toContain('agency');
    expect(text).not.toContain('final notice');
  });

  test('friendly reminder allows that payment may already be on its way', () => {
    expect(renderEmail(emailContext('friendlyReminder')).textBody).toContain(
      'If payment is already on its way, thank you, and please disregard this note.',
    );
  });

  test('final notice says the account goes to a collection agency unless paid or discussed', () => {
    const { subject, textBody } = renderEmail(emailContext('finalNotice'));

    expect(subject).toBe('Final notice: invoice INV-2026-014 (€1,234.56) is 30 days overdue');
    expect(textBody).toContain(
      'If the invoice is not paid, or you do not contact us to discuss it, we will pass the account to a collection agency',
    );
    expect(textBody).toContain('We would much rather settle this directly with you.');
  });

  test.each(emailTemplateIds)('%s makes no legal threats', (template) => {
    expect(bodies(template).toLowerCase()).not.toMatch(
      /\b(legal|court|lawyers?|solicitors?|sue|credit rating|interest)\b/,
    );
  });

  test('firm reminder offers a payment plan only when the stage offers one', () => {
    const planText = 'we can offer a payment plan that spreads the balance over several installments';

    expect(renderEmail(emailContext('firmReminder', { offersPaymentPlan: true })).textBody).toContain(
      planText,
    );
    expect(renderEmail(emailContext('firmReminder', { offersPaymentPlan: false })).textBody).not.toContain(
      'payment plan',
    );
  });
});

describe('partial payments', () => {
  test('thanks the customer for what was received and states what remains', () => {
    const { textBody, htmlBody } = renderEmail(
      emailContext('secondReminder', { originalAmount: 100000, amountDue: 60000 }),
    );

    expect(textBody).toContain(
      'We have received €400.00 so far, thank you; €600.00 of the €1,000.00 invoice remains to be paid.',
    );
    expect(textBody).toMatch(
      /Invoice total: +€1,000\.00\nReceived so far: +€400\.00\nAmount due: +€600\.00\n/,
    );
    expect(textBody).toContain('payment of €600.00, which was due on 14 March 2026');
    expect(htmlBody).toContain('Received so far');
  });

  test('says nothing about money received when nothing has been paid', () => {
    const text = bodies('secondReminder').toLowerCase();

    expect(text).not.toContain('received so far');
    expect(text).not.toContain('invoice total');
  });
});

describe('installment reminders', () => {
  test('names the installment, its amount and its due date, and the balance left on the invoice', () => {
    const { subject, textBody } = renderEmail(emailContext('installmentReminder', { amountDue: 92592 }));

    expect(subject).toBe(
      'Payment plan for invoice INV-2026-014: installment 2 of 4 (€308.64) due 1 May 2026',
    );
    expect(textBody).toContain(
      'installment 2 of 4 of your payment plan for invoice INV-2026-014 (€308.64) is due on 1 May 2026.',
    );
    expect(textBody).toMatch(/Balance on the invoice: €925\.92\n/);
    expect(textBody).toContain('We have received €308.64 so far');
    expect(textBody).not.toContain('Days overdue');
  });

  test('tells the customer when the installment is the last one', () => {
    const installment = { sequence: 4, count: 4, amount: 30864, dueDate: '2026-07-01' };

    expect(renderEmail(emailContext('installmentReminder', { installment })).textBody).toContain(
      'This is the last installment: once it is paid, the invoice is settled in full.',
    );
  });

  test('refuses to render without the installment, naming what is missing', () => {
    expect(() => renderEmail(emailContext('installmentReminder', { installment: undefined }))).toThrow(
      'installmentReminder for invoice INV-2026-014 needs context.installment ({ sequence, count, amount, dueDate })',
    );
  });
});

describe('HTML escaping', () => {
  test('escapes a customer name with ampersand, angle brackets and quotes', () => {
    const { textBody, htmlBody } = renderEmail(
      emailContext('finalNotice', { customerName: 'Smith & <Sons> "Ltd"' }),
    );

    expect(htmlBody).toContain('Dear Smith &amp; &lt;Sons&gt; &quot;Ltd&quot;,');
    expect(htmlBody).not.toContain('<Sons>');
    expect(textBody).toContain('Dear Smith & <Sons> "Ltd",');
  });

  test.each(emailTemplateIds)('%s escapes every interpolated value', (template) => {
    const hostile = `<script>alert('x')</script>`;
    const { htmlBody } = renderEmail(
      emailContext(template, {
        customerName: hostile,
        invoiceNumber: hostile,
        sender: {
          companyName: hostile,
          contactName: hostile,
          contactEmail: hostile,
          contactPhone: hostile,
          paymentInstructions: `${hostile}\n${hostile}`,
        },
      }),
    );

    expect(htmlBody).not.toContain('<script>');
    expect(htmlBody).not.toContain("'x'");
    expect(htmlBody).toContain('&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;');
  });

  test('keeps the line breaks of the payment instructions', () => {
    expect(renderEmail(emailContext('invoice')).htmlBody).toContain(
      'Bank transfer to Northwind Joinery Ltd<br>IBAN GB33 BUKB 2020 1555 5555 55',
    );
  });

  test('is a self-contained page with no external assets', () => {
    const { htmlBody } = renderEmail(emailContext('firmReminder'));

    expect(htmlBody.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(htmlBody).not.toMatch(/<link|<img|<script|src=|https?:/);
  });
});
