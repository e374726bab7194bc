import type { LocalDate } from '../domain/calendar';
import { formatMoney } from '../domain/money';
import type { TaskKind } from '../domain/tasks';
import { describeDaysOverdue } from '../domain/invoice';
import { formatLocalDate } from './email-templates';

export interface TaskContext {
  kind: TaskKind;
  customerName: string;
  invoiceNumber: string;
  currency: string;
  /** Minor units. */
  amountDue: number;
  dueDate: LocalDate;
  daysOverdue: number;
  /** What prompted the task, e.g. the dispute reason or the bounce description. */
  detail?: string;
}

export interface TaskText {
  title: string;
  /** A short script: opening line, key points, typical reactions, the ask, what to record afterwards. */
  script: string;
}

export function describeTask(context: TaskContext): TaskText {
  const task = tasks[context.kind];
  const account = accountFor(context);
  const summary = [
    `Invoice ${account.invoice}, ${account.customer}: ${account.amount} outstanding, due ${account.dueDate} (${account.timing}).`,
    ...(context.detail ? [`${task.detailLabel}: ${context.detail}`] : []),
  ];
  return { title: task.title(account), script: renderScript(summary, task.sections(account)) };
}

/** The context's values formatted once for every script. */
interface Account {
  customer: string;
  invoice: string;
  amount: string;
  dueDate: string;
  timing: string;
}

interface Section {
  heading: string;
  lines: string[];
}

interface TaskScript {
  /** How the summary introduces TaskContext.detail for this kind of task. */
  detailLabel: string;
  title: (account: Account) => string;
  sections: (account: Account) => Section[];
}

interface Call {
  opening: string;
  keyPoints: string[];
  reactions: string[];
  ask: string;
  record: string[];
}

const callOutcomes = [
  'A payment they say they have made: date, amount and reference, so it can be matched before it is recorded.',
  'A promise to pay: the amount and the date they gave.',
  'A payment plan: the number of installments and the first date agreed.',
  "A dispute: the customer's reason in their own words (reminders pause while it is reviewed).",
  'Any other conversation as a customer response with a one-line note; if nobody answered, note whether you left a voicemail.',
];

const tasks: Record<TaskKind, TaskScript> = {
  secondReminderCall: {
    detailLabel: 'Note',
    title: (account) =>
      `Call ${account.customer} about invoice ${account.invoice} (${account.amount}, ${account.timing})`,
    sections: (account) =>
      callScript({
        opening:
          `"Hello, this is [your name] from [our company]. I'm calling about invoice ${account.invoice}; ` +
          'is this a good moment for a quick word, or is there someone else who looks after invoices?"',
        keyPoints: [
          'Keep it light and helpful: most late payments are an oversight, and the aim is to help it get paid, not to blame.',
          `Invoice ${account.invoice} for ${account.amount} was due on ${account.dueDate} and is now ${account.timing}; we have already sent email reminders.`,
          'Check that they received the invoice and that nothing on it is unclear.',
        ],
        reactions: [
          '"I never got it": confirm the email address we use and offer to resend the invoice straight away.',
          '"It has already been paid": thank them and ask for the payment date, amount and reference so we can match it.',
          `"We can't pay right now": acknowledge it ("I understand, cash flow can be tight"), ask when they can, and mention that we can discuss a payment plan.`,
        ],
        ask: `"Could you tell me when we can expect the ${account.amount}?" Aim for a specific date.`,
        record: callOutcomes,
      }),
  },

  finalNoticeCall: {
    detailLabel: 'Note',
    title: (account) =>
      `Final notice call: ${account.customer}, invoice ${account.invoice} (${account.amount})`,
    sections: (account) =>
      callScript({
        opening:
          `"Hello, this is [your name], [your role] at [our company]. I'm calling about invoice ${account.invoice}, ` +
          `which is now ${account.timing}. I'd like to resolve it with you today."`,
        keyPoints: [
          `${account.amount} was due on ${account.dueDate}; our reminders and a final notice have not resolved it.`,
          'Be calm and clear: if the invoice is not paid or discussed, the account will be passed to our collection agency. ' +
            'Present it as the next step in our process, never as a threat.',
          'We would rather settle directly: full payment, a firm date or a payment plan are all good outcomes.',
        ],
        reactions: [
          '"We\'ll get to it": ask for a specific date and amount; a vague promise is not an outcome.',
          '"We can\'t pay it all": offer a payment plan and agree the number of installments and the first date on the call.',
          '"You\'re threatening us": acknowledge the frustration, explain that the agency is a standard step we want to avoid, ' +
            'and that a payment, a date or a plan today stops it.',
        ],
        ask: `"Can you pay the ${account.amount} today, or agree a date or a payment plan with me now?"`,
        record: callOutcomes,
      }),
  },

  disputeReview: {
    detailLabel: "Customer's reason",
    title: (account) => `Review dispute on invoice ${account.invoice} from ${account.customer}`,
    sections: (account) => [
      {
        heading: 'Why this task',
        lines: [
          `${account.customer} disputes invoice ${account.invoice}. Every reminder is paused until you resolve the dispute.`,
        ],
      },
      {
        heading: 'Check',
        lines: [
          'The invoice against the order, quote or contract: items, quantities, prices and dates.',
          'Delivery: were the goods or services delivered in full and on time (delivery notes, sign-offs, emails)?',
          'Payments and credits already applied, in case of a duplicate charge or a payment we missed.',
          'Earlier correspondence about this invoice; if the reason is unclear, call the customer to hear it in their words.',
        ],
      },
      {
        heading: 'Resolve as one of',
        lines: [
          'Upheld: the customer is right. The invoice is cancelled or credited and no further reminders go out.',
          'Adjusted: part of the charge is wrong. Record the corrected balance; reminders resume for the new amount.',
          'Rejected: the invoice stands. Tell the customer why; reminders resume where they paused, with no catch-up burst.',
        ],
      },
      {
        heading: 'Afterwards, record',
        lines: [
          `The resolution; if adjusted, the corrected balance (currently ${account.amount}); and one line the customer can be told.`,
        ],
      },
    ],
  },

  fixEmailAddress: {
    detailLabel: 'Delivery problem',
    title: (account) => `Get a working email address for ${account.customer} (invoice ${account.invoice})`,
    sections: (account) =>
      callScript({
        opening:
          `"Hello, this is [your name] from [our company]. Our emails about invoice ${account.invoice} are not reaching you, ` +
          'and I want to make sure your invoices get to the right place. Which email address should we use?"',
        keyPoints: [
          'Our latest reminder bounced or went to an inactive address, so the customer may not know the invoice is overdue.',
          'First check the address on file for typos; then call the customer on their main number.',
          `Invoice ${account.invoice} for ${account.amount} was due on ${account.dueDate} and is ${account.timing}.`,
        ],
        reactions: [
          '"We never saw any of this": apologise for the trouble and offer to resend the invoice as soon as the address is fixed.',
          '"That person has left": ask for the name and email of whoever handles invoices now, ideally a shared accounts mailbox.',
        ],
        ask: '"Which email address will reliably reach whoever pays our invoices?"',
        record: [
          'The working email address and contact name, corrected in the customer record so the next reminder arrives.',
          'Anything they said about payment, as a customer response or a promise to pay with its date.',
        ],
      }),
  },

  agencyReturned: {
    detailLabel: "Agency's note",
    title: (account) =>
      `Decide on invoice ${account.invoice} for ${account.customer}: returned by the collection agency`,
    sections: (account) => [
      {
        heading: 'Why this task',
        lines: [
          `The collection agency returned the account without recovering the full balance; ${account.amount} is still owed.`,
        ],
      },
      {
        heading: 'Check',
        lines: [
          "The agency's reason for returning it, and whether it recovered anything (the balance above is what is still owed).",
          'Whether the customer is still trading and reachable.',
          'What further pursuit would cost in time and fees against the balance.',
        ],
      },
      {
        heading: 'Decide',
        lines: [
          'Write off: record a write-off with the reason; nothing more is sent to the customer.',
          'Keep pursuing: call the customer yourself, offer a payment plan if it helps, and record the outcome.',
        ],
      },
      { heading: 'Afterwards, record', lines: ['Your decision and the reason for it.'] },
    ],
  },

  promiseBroken: {
    detailLabel: 'Promise',
    title: (account) =>
      `Promise to pay missed: ${account.customer}, invoice ${account.invoice} (${account.amount})`,
    sections: (account) =>
      callScript({
        opening:
          `"Hello, this is [your name] from [our company]. You let us know that invoice ${account.invoice} would be paid ` +
          `by the date we agreed, and we haven't received it yet. I wanted to check in with you."`,
        keyPoints: [
          'The promised date and its grace period have passed, and reminders have resumed.',
          'Stay factual and curious: something has often changed, and knowing what helps find a date they can keep.',
          `${account.amount} is outstanding; the invoice was due on ${account.dueDate} and is ${account.timing}.`,
        ],
        reactions: [
          '"It has been paid": ask for the date, amount and reference so we can match it.',
          '"Things are difficult": offer a payment plan with a first date they can realistically meet.',
          '"Soon, I promise": ask for a specific date and amount, and say plainly that the account moves to our final stages if it is missed again.',
        ],
        ask: `"On what date will the ${account.amount} be paid?"`,
        record: callOutcomes,
      }),
  },

  planDefaulted: {
    detailLabel: 'Missed installment',
    title: (account) =>
      `Payment plan defaulted: ${account.customer}, invoice ${account.invoice} (${account.amount})`,
    sections: (account) =>
      callScript({
        opening:
          `"Hello, this is [your name] from [our company]. I'm calling about your payment plan for invoice ${account.invoice}: ` +
          `the latest installment hasn't arrived, and I'd like to get things back on track with you."`,
        keyPoints: [
          `The plan has defaulted, so the usual reminders have resumed for the remaining ${account.amount}.`,
          'Acknowledge any installments already paid; we are open to a revised plan if it is realistic.',
        ],
        reactions: [
          '"I sent it": ask for the date, amount and reference so we can match it.',
          '"My circumstances have changed": agree a new plan with smaller installments or later dates they can keep.',
          '"I can\'t commit to anything": explain that without a payment or a plan the account follows our normal escalation, ' +
            'which can end with a collection agency.',
        ],
        ask: '"Can you pay the missed installment now, or agree a new plan with me today?"',
        record: callOutcomes,
      }),
  },
};

function callScript(script: Call): Section[] {
  return [
    { heading: 'Opening', lines: [script.opening] },
    { heading: 'Key points', lines: script.keyPoints },
    { heading: 'If they say', lines: script.reactions },
    { heading: 'Ask', lines: [script.ask] },
    { heading: 'Afterwards, record', lines: script.record },
  ];
}

function accountFor(context: TaskContext): Account {
  return {
    customer: context.customerName,
    invoice: context.invoiceNumber,
    amount: formatMoney({ amount: context.amountDue, currency: context.currency }),
    dueDate: formatLocalDate(context.dueDate),
    timing: describeDaysOverdue(context.daysOverdue),
  };
}

function renderScript(summary: string[], sections: Section[]): string {
  const body = sections.map((section) =>
    [section.heading, ...section.lines.map((line) => `- ${line}`)].join('\n'),
  );
  return `${[summary.join('\n'), ...body].join('\n\n')}\n`;
}
