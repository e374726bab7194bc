import { describeDaysOverdue } from '../domain/invoice';
import type { LocalDate } from '../domain/calendar';
import { formatMoney } from '../domain/money';
import type { EmailTemplateId } from '../domain/policy';

export interface EmailContext {
  template: EmailTemplateId;
  /** The company or person billed. */
  customerName: string;
  invoiceNumber: string;
  /** ISO 4217. */
  currency: string;
  /** Minor units. */
  originalAmount: number;
  /** Minor units: what is still owed now, after partial payments. */
  amountDue: number;
  /**
   * Minor units received so far. Defaults to originalAmount − amountDue, which is wrong once a dispute has
   * credited part of the invoice: pass it whenever it is known.
   */
  amountPaid?: number;
  issueDate: LocalDate;
  dueDate: LocalDate;
  /** Negative when not yet due. */
  daysOverdue: number;
  /** The firm reminder offers a payment plan. */
  offersPaymentPlan: boolean;
  /** Required by installmentReminder. */
  installment?: { sequence: number; count: number; amount: number; dueDate: LocalDate };
  sender: {
    companyName: string;
    contactName: string;
    contactEmail: string;
    contactPhone?: string;
    paymentInstructions: string;
  };
}

export interface RenderedEmail {
  subject: string;
  textBody: string;
  htmlBody: string;
}

export function renderEmail(context: EmailContext): RenderedEmail {
  const words = wordsFor(context);
  const letter = templates[context.template](context, words);
  const blocks = frame(context, words, letter);
  return {
    subject: letter.subject,
    textBody: renderText(blocks),
    htmlBody: renderHtml(letter.subject, blocks),
  };
}

const monthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** "2026-03-14" -> "14 March 2026", read from the digits so no time zone can shift the day. */
export function formatLocalDate(date: LocalDate): string {
  const [, year, month, day] = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date) ?? [];
  const monthName = monthNames[Number(month) - 1];
  const dayOfMonth = Number(day);
  if (!year || !monthName || !(dayOfMonth >= 1 && dayOfMonth <= 31)) {
    throw new Error(`date must be a LocalDate in YYYY-MM-DD form, e.g. "2026-03-14"; got "${date}"`);
  }
  return `${dayOfMonth} ${monthName} ${year}`;
}

/** "7 days overdue", "1 day overdue", "due today" or "due in 3 days". */

interface Fact {
  label: string;
  value: string;
}

type Block =
  | { kind: 'paragraph'; text: string }
  | { kind: 'facts'; facts: Fact[] }
  | { kind: 'section'; heading: string; text: string };

/** What a template decides; the frame around it (greeting, payment, contact, sign-off) is shared. */
interface Letter {
  subject: string;
  opening: string[];
  facts: Fact[];
  closing: string[];
}

/** The context's values formatted once for every template. */
interface Words {
  invoice: string;
  amountDue: string;
  dueDate: string;
  timing: string;
}

type Template = (context: EmailContext, words: Words) => Letter;

const templates: Record<EmailTemplateId, Template> = {
  invoice: (context, words) => ({
    subject: `Invoice ${words.invoice} from ${context.sender.companyName}: ${words.amountDue} due ${words.dueDate}`,
    opening: [
      `Thank you for your business. Please find the details of invoice ${words.invoice} below.`,
      `The amount of ${words.amountDue} is due by ${words.dueDate}.`,
    ],
    facts: invoiceFacts(context, words),
    closing: [],
  }),

  comingDue: (context, words) => ({
    subject: `Invoice ${words.invoice} is due on ${words.dueDate}`,
    opening: [
      `Just a courtesy note: invoice ${words.invoice} for ${words.amountDue} is ${words.timing}, on ${words.dueDate}.`,
      'If you have already arranged payment, thank you: there is nothing more you need to do.',
    ],
    facts: invoiceFacts(context, words),
    closing: [],
  }),

  friendlyReminder: (context, words) => ({
    subject: `Friendly reminder: invoice ${words.invoice} was due on ${words.dueDate}`,
    opening: [
      'We hope all is well.',
      `Our records show that invoice ${words.invoice} for ${words.amountDue} was due on ${words.dueDate} and is now ${words.timing}. ` +
        'It may simply have slipped through; it happens to all of us.',
      'If payment is already on its way, thank you, and please disregard this note.',
    ],
    facts: invoiceFacts(context, words),
    closing: [],
  }),

  secondReminder: (context, words) => ({
    subject: `Second reminder: invoice ${words.invoice} is ${words.timing}`,
    opening: [
      `We wrote to you recently about invoice ${words.invoice}. We have not yet received payment of ${words.amountDue}, ` +
        `which was due on ${words.dueDate} and is now ${words.timing}.`,
      'Could you let us know when we can expect payment? If something is holding it up, such as a question about ' +
        'the invoice or the wrong contact details on our side, just reply and we will sort it out together.',
    ],
    facts: invoiceFacts(context, words),
    closing: ['A member of our team may also give you a call to help.'],
  }),

  firmReminder: (context, words) => ({
    subject: `Payment overdue: invoice ${words.invoice} (${words.amountDue}) is ${words.timing}`,
    opening: [
      `Despite our earlier reminders, invoice ${words.invoice} for ${words.amountDue} remains unpaid. ` +
        `It was due on ${words.dueDate} and is now ${words.timing}.`,
      'Please pay the outstanding balance now, or reply to tell us the date on which it will be paid.',
    ],
    facts: invoiceFacts(context, words),
    closing: [
      ...(context.offersPaymentPlan
        ? [
            'If paying the full amount at once is difficult, we can offer a payment plan that spreads the balance ' +
              `over several installments. Reply to this email or give us a call and we will set one up with you.`,
          ]
        : []),
      'We value working with you and would like to settle this quickly.',
    ],
  }),

  finalNotice: (context, words) => ({
    subject: `Final notice: invoice ${words.invoice} (${words.amountDue}) is ${words.timing}`,
    opening: [
      `This is our final notice about invoice ${words.invoice}. The balance of ${words.amountDue} was due on ` +
        `${words.dueDate} and is now ${words.timing}, and our earlier reminders have not resolved it.`,
      'If the invoice is not paid, or you do not contact us to discuss it, we will pass the account to a collection ' +
        'agency, which will then contact you about the outstanding balance.',
    ],
    facts: invoiceFacts(context, words),
    closing: [
      'We would much rather settle this directly with you. If there is a problem with the invoice, or you need more ' +
        'time or a payment plan, please get in touch now and we will work it out together.',
    ],
  }),

  installmentReminder: (context, words) => {
    const installment = requireInstallment(context);
    const amount = formatMoney({ amount: installment.amount, currency: context.currency });
    const dueDate = formatLocalDate(installment.dueDate);
    const isLast = installment.sequence === installment.count;
    return {
      subject: `Payment plan for invoice ${words.invoice}: installment ${installment.sequence} of ${installment.count} (${amount}) due ${dueDate}`,
      opening: [
        `A reminder that installment ${installment.sequence} of ${installment.count} of your payment plan for invoice ` +
          `${words.invoice} (${amount}) is due on ${dueDate}.`,
        isLast
          ? 'This is the last installment: once it is paid, the invoice is settled in full.'
          : 'We appreciate you keeping to the plan.',
      ],
      facts: [
        { label: 'Invoice number', value: words.invoice },
        { label: 'Installment', value: `${installment.sequence} of ${installment.count}` },
        { label: 'Installment amount', value: amount },
        { label: 'Installment due date', value: dueDate },
        { label: 'Balance on the invoice', value: words.amountDue },
      ],
      closing: [
        `If you expect any difficulty paying this installment on time, please let us know before ${dueDate}.`,
      ],
    };
  },
};

function invoiceFacts(context: EmailContext, words: Words): Fact[] {
  const overdue =
    context.daysOverdue > 0 ? [{ label: 'Days overdue', value: String(context.daysOverdue) }] : [];
  return [
    { label: 'Invoice number', value: words.invoice },
    { label: 'Invoice date', value: formatLocalDate(context.issueDate) },
    ...paymentFacts(context),
    { label: 'Amount due', value: words.amountDue },
    { label: 'Due date', value: words.dueDate },
    ...overdue,
  ];
}

function paymentFacts(context: EmailContext): Fact[] {
  if (!isPartlyPaid(context)) return [];
  return [
    { label: 'Invoice total', value: money(context, context.originalAmount) },
    { label: 'Received so far', value: money(context, amountReceived(context)) },
  ];
}

function requireInstallment(context: EmailContext): NonNullable<EmailContext['installment']> {
  if (!context.installment) {
    throw new Error(
      `installmentReminder for invoice ${context.invoiceNumber} needs context.installment ({ sequence, count, amount, dueDate })`,
    );
  }
  return context.installment;
}

function isPartlyPaid(context: EmailContext): boolean {
  return amountReceived(context) > 0;
}

function amountReceived(context: EmailContext): number {
  return context.amountPaid ?? context.originalAmount - context.amountDue;
}

function money(context: EmailContext, amount: number): string {
  return formatMoney({ amount, currency: context.currency });
}

function wordsFor(context: EmailContext): Words {
  return {
    invoice: context.invoiceNumber,
    amountDue: money(context, context.amountDue),
    dueDate: formatLocalDate(context.dueDate),
    timing: describeDaysOverdue(context.daysOverdue),
  };
}

function frame(context: EmailContext, words: Words, letter: Letter): Block[] {
  const { sender } = context;
  const phone = sender.contactPhone ? ` or on ${sender.contactPhone}` : '';
  const paragraph = (text: string): Block => ({ kind: 'paragraph', text });
  const partialPayment = isPartlyPaid(context)
    ? [
        paragraph(
          `We have received ${money(context, amountReceived(context))} so far, thank you; ` +
            `${words.amountDue} of the ${money(context, context.originalAmount)} invoice remains to be paid.`,
        ),
      ]
    : [];
  return [
    paragraph(`Dear ${context.customerName},`),
    ...letter.opening.map(paragraph),
    ...partialPayment,
    { kind: 'facts', facts: letter.facts },
    {
      kind: 'section',
      heading: 'How to pay',
      text: `${sender.paymentInstructions}\nPlease quote invoice number ${words.invoice} with your payment.`,
    },
    ...letter.closing.map(paragraph),
    paragraph(
      `If you have any questions, please contact ${sender.contactName} at ${sender.contactEmail}${phone}.`,
    ),
    paragraph(`Kind regards,\n${sender.contactName}\n${sender.companyName}`),
  ];
}

function renderText(blocks: Block[]): string {
  return `${blocks.map(blockText).join('\n\n')}\n`;
}

function blockText(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
      return block.text;
    case 'section':
      return `${block.heading}:\n${block.text}`;
    case 'facts': {
      const width = Math.max(...block.facts.map((fact) => fact.label.length)) + 2;
      return block.facts.map((fact) => `${`${fact.label}:`.padEnd(width)}${fact.value}`).join('\n');
    }
  }
}

function renderHtml(subject: string, blocks: Block[]): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="margin:0;padding:24px;font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#222222;">',
    ...blocks.map(blockHtml),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function blockHtml(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
      return `<p style="margin:0 0 16px;">${multilineHtml(block.text)}</p>`;
    case 'section':
      return `<p style="margin:0 0 16px;"><strong>${escapeHtml(block.heading)}</strong><br>${multilineHtml(block.text)}</p>`;
    case 'facts':
      return [
        '<table role="presentation" style="border-collapse:collapse;margin:0 0 16px;">',
        ...block.facts.map(
          (fact) =>
            `<tr><td style="padding:4px 24px 4px 0;color:#555555;">${escapeHtml(fact.label)}</td>` +
            `<td style="padding:4px 0;font-weight:bold;">${escapeHtml(fact.value)}</td></tr>`,
        ),
        '</table>',
      ].join('\n');
  }
}

function multilineHtml(text: string): string {
  return escapeHtml(text).replace(/\r?\n/g, '<br>');
}

const htmlEntities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => htmlEntities[character] ?? character);
}
