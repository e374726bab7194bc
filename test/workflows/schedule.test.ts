import { addDays, dayOfWeek, localDateAt } from '../../domain/calendar';
import type { Customer } from '../../domain/invoice';
import { defaultPolicy, type CollectionPolicy } from '../../domain/policy';
import {
  InvoiceScenario,
  invoiceTerms,
  localTime,
  nextClockChange,
  upcomingMonday,
  useCollectionStack,
} from '../support/lifecycle';

const stack = useCollectionStack();

const losAngelesCustomer: Customer = {
  id: 'cust-echo-park-bakery',
  name: 'Echo Park Bakery Inc.',
  email: 'ap@echo-park-bakery.example',
  timeZone: 'America/Los_Angeles',
};

const aucklandCustomer: Customer = {
  id: 'cust-ponsonby-deli',
  name: 'Ponsonby Deli Ltd',
  email: 'accounts@ponsonby-deli.example',
  timeZone: 'Pacific/Auckland',
};

/** The zone's UTC offset at an instant as Intl names it, e.g. "GMT-08:00". */
function utcOffset(instant: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(
    new Date(instant),
  );
  return parts.find((part) => part.type === 'timeZoneName')?.value ?? '';
}

/** Each stage the workflow reached: its local day and time, and the UTC offset then in force. */
async function stageTimes(scenario: InvoiceScenario): Promise<string[]> {
  return (await scenario.timeline())
    .filter((entry) => entry.type === 'stage.reached')
    .map(
      (entry) =>
        `${entry.data.stage} ${localTime(entry.at, scenario.timeZone)} ${utcOffset(entry.at, scenario.timeZone)}`,
    );
}

describe('send days and hours in the customer time zone', () => {
  test('across a change of clocks in Los Angeles every email still goes out at 09:00 local time', async () => {
    const today = localDateAt(await stack.env.currentTimeMs(), losAngelesCustomer.timeZone);
    // A change of clocks (always a Sunday in the US) far enough ahead to issue the invoice 41 days before it.
    const change = nextClockChange(losAngelesCustomer.timeZone, addDays(today, 45));
    expect(dayOfWeek(change)).toBe(0);
    const issueDate = addDays(change, -41);
    const scenario = await InvoiceScenario.start(
      stack,
      invoiceTerms('dst-los-angeles', issueDate, { customer: losAngelesCustomer }),
    );
    await scenario.skipTo(addDays(change, 37));

    const before = utcOffset(`${addDays(change, -1)}T20:00:00Z`, losAngelesCustomer.timeZone);
    const after = utcOffset(`${addDays(change, 1)}T20:00:00Z`, losAngelesCustomer.timeZone);
    expect(before).not.toBe(after);
    const day = (offset: number) => addDays(change, offset);
    // Due on Thursday, change−11: four stages before the change of clocks, three after it.
    expect(await stageTimes(scenario)).toEqual([
      `invoice ${day(-41)} 09:00 ${before}`,
      // change−14 is a Sunday
      `comingDue ${day(-13)} 09:00 ${before}`,
      `friendlyReminder ${day(-10)} 09:00 ${before}`,
      `secondReminder ${day(-4)} 09:00 ${before}`,
      `firmReminder ${day(3)} 09:00 ${after}`,
      `finalNotice ${day(19)} 09:00 ${after}`,
      // change+34 is a Saturday
      `agencyHandoff ${day(36)} 09:00 ${after}`,
    ]);
    expect(await scenario.emails()).toEqual([
      `${day(-41)} 09:00 invoice`,
      `${day(-13)} 09:00 comingDue`,
      `${day(-10)} 09:00 friendlyReminder`,
      `${day(-4)} 09:00 secondReminder`,
      `${day(3)} 09:00 firmReminder`,
      `${day(19)} 09:00 finalNotice`,
    ]);
  });

  test('in Auckland the weekend is the customer’s: a Sunday stage goes out Monday 09:00 local, still Sunday in UTC', async () => {
    const monday = await upcomingMonday(stack.env);
    const scenario = await InvoiceScenario.start(
      stack,
      invoiceTerms('weekend-auckland', monday, { customer: aucklandCustomer }),
    );
    await scenario.skipTo(addDays(monday, 45));

    const reached = (await scenario.timeline()).filter((entry) => entry.type === 'stage.reached');
    expect(
      reached.map((entry) => `${entry.data.stage} ${localTime(entry.at, aucklandCustomer.timeZone)}`),
    ).toEqual([
      `invoice ${monday} 09:00`,
      // due−3 is Sunday M+27: the courtesy email waits for Monday M+28 in Auckland
      `comingDue ${addDays(monday, 28)} 09:00`,
      `friendlyReminder ${addDays(monday, 31)} 09:00`,
      `secondReminder ${addDays(monday, 37)} 09:00`,
      `firmReminder ${addDays(monday, 44)} 09:00`,
    ]);
    // Monday 09:00 in Auckland is Sunday evening in UTC: the weekend rule was applied in the customer's zone.
    const comingDue = reached.find((entry) => entry.data.stage === 'comingDue')!;
    expect(dayOfWeek(localDateAt(Date.parse(comingDue.at), 'UTC'))).toBe(0);
    expect(localDateAt(Date.parse(comingDue.at), 'UTC')).toBe(addDays(monday, 27));
  });

  test('a policy holiday moves a stage to the next business day, at the policy send hour', async () => {
    const monday = await upcomingMonday(stack.env);
    // The friendly reminder (Thursday M+31) falls on a local holiday; the policy sends at 08:00.
    const policy: CollectionPolicy = {
      ...defaultPolicy,
      id: 'auckland-holidays',
      sendHour: 8,
      holidays: [addDays(monday, 31)],
    };
    const scenario = await InvoiceScenario.start(
      stack,
      invoiceTerms('holiday-auckland', monday, { customer: aucklandCustomer }),
      policy,
    );
    await scenario.skipTo(addDays(monday, 38));
    expect(await scenario.emails()).toEqual([
      `${monday} 08:00 invoice`,
      `${addDays(monday, 28)} 08:00 comingDue`,
      `${addDays(monday, 32)} 08:00 friendlyReminder`,
      `${addDays(monday, 37)} 08:00 secondReminder`,
    ]);
  });
});
