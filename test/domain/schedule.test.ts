import fc from 'fast-check';
import { addDays, daysBetween, localDateAt, type LocalDate } from '../../domain/calendar';
import {
  firstSendSlotAtOrAfter,
  isBusinessDay,
  nextBusinessDay,
  sendSlotOn,
  stageSendTime,
  type SendWindow,
} from '../../domain/schedule';

const utc = (isoInstant: string): number => Date.parse(isoInstant);

const EASTER_2026: LocalDate[] = ['2026-04-03', '2026-04-06']; // Good Friday, Easter Monday
const berlinAtNine: SendWindow = { timeZone: 'Europe/Berlin', sendHour: 9, holidays: EASTER_2026 };
const newYorkAtNine: SendWindow = { timeZone: 'America/New_York', sendHour: 9, holidays: ['2026-05-25'] };
const tokyoAtNine: SendWindow = { timeZone: 'Asia/Tokyo', sendHour: 9, holidays: [] };

const zones = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'America/Los_Angeles',
  'America/Santiago',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'Asia/Tokyo',
  'Pacific/Chatham',
  'Pacific/Kiritimati',
] as const;

const FIRST_DAY_2020: LocalDate = '2020-01-01';
const localDate2020To2035 = fc
  .integer({ min: 0, max: daysBetween(FIRST_DAY_2020, '2035-12-31') })
  .map((n) => addDays(FIRST_DAY_2020, n));

const sendWindow = fc.record({
  timeZone: fc.constantFrom(...zones),
  sendHour: fc.integer({ min: 0, max: 23 }),
  holidays: fc.constant<readonly LocalDate[]>([]),
});

// Holidays drawn near the day under test, so that they actually get in the way.
const sendWindowWithHolidaysNear = (day: LocalDate) =>
  sendWindow.chain((window) =>
    fc
      .uniqueArray(fc.integer({ min: -10, max: 40 }), { maxLength: 15 })
      .map((offsets) => ({ ...window, holidays: offsets.map((offset) => addDays(day, offset)) })),
  );

const dayAndWindow = localDate2020To2035.chain((day) =>
  sendWindowWithHolidaysNear(day).map((window) => ({ day, window })),
);

const ladderOffsets = fc.uniqueArray(fc.integer({ min: -10, max: 60 }), { minLength: 2, maxLength: 7 });

function previousBusinessDayBefore(date: LocalDate, holidays: readonly LocalDate[]): LocalDate {
  let candidate = addDays(date, -1);
  while (!isBusinessDay(candidate, holidays)) candidate = addDays(candidate, -1);
  return candidate;
}

describe('isBusinessDay', () => {
  it.each([
    ['2026-03-09', 'a Monday'],
    ['2026-03-13', 'a Friday'],
  ])('counts %s, %s, as a business day', (date) => {
    expect(isBusinessDay(date, [])).toBe(true);
  });

  it.each([
    ['2026-03-07', 'a Saturday'],
    ['2026-03-08', 'a Sunday'],
  ])('does not count %s, %s', (date) => {
    expect(isBusinessDay(date, [])).toBe(false);
  });

  it('does not count a weekday on the holiday calendar', () => {
    expect(isBusinessDay('2026-04-06', EASTER_2026)).toBe(false);
  });
});

describe('nextBusinessDay', () => {
  it('keeps a day that is already a business day', () => {
    expect(nextBusinessDay('2026-03-09', [])).toBe('2026-03-09');
  });

  it('moves a Saturday to Monday', () => {
    expect(nextBusinessDay('2026-03-14', [])).toBe('2026-03-16');
  });

  it('moves a holiday Monday to Tuesday', () => {
    expect(nextBusinessDay('2026-05-25', ['2026-05-25'])).toBe('2026-05-26');
  });

  it('skips Good Friday, the weekend and Easter Monday together', () => {
    expect(nextBusinessDay('2026-04-03', EASTER_2026)).toBe('2026-04-07');
  });
});

describe('sendSlotOn', () => {
  it('sends at 09:00 in Asia/Tokyo, which is midnight UTC', () => {
    expect(sendSlotOn('2026-03-09', tokyoAtNine)).toBe(utc('2026-03-09T00:00:00Z'));
  });

  it('moves a Saturday send to Monday at the send hour', () => {
    expect(sendSlotOn('2026-03-14', tokyoAtNine)).toBe(utc('2026-03-16T00:00:00Z'));
  });

  it('moves a weekend before a holiday Monday to Tuesday', () => {
    expect(sendSlotOn('2026-05-23', newYorkAtNine)).toBe(utc('2026-05-26T13:00:00Z'));
  });

  it('keeps the local send hour when New York changes to daylight time over the weekend', () => {
    expect(sendSlotOn('2026-03-06', newYorkAtNine)).toBe(utc('2026-03-06T14:00:00Z'));
    expect(sendSlotOn('2026-03-08', newYorkAtNine)).toBe(utc('2026-03-09T13:00:00Z'));
  });
});

describe('firstSendSlotAtOrAfter', () => {
  it("takes today's slot when the send hour is still ahead", () => {
    expect(firstSendSlotAtOrAfter(utc('2026-03-09T07:59:00Z'), berlinAtNine)).toBe(
      utc('2026-03-09T08:00:00Z'),
    );
  });

  it('takes a slot that starts exactly at the instant', () => {
    expect(firstSendSlotAtOrAfter(utc('2026-03-09T08:00:00Z'), berlinAtNine)).toBe(
      utc('2026-03-09T08:00:00Z'),
    );
  });

  it("takes tomorrow's slot once today's send hour has passed", () => {
    expect(firstSendSlotAtOrAfter(utc('2026-03-09T08:00:00.001Z'), berlinAtNine)).toBe(
      utc('2026-03-10T08:00:00Z'),
    );
  });

  it("takes Monday's slot after Friday's has passed", () => {
    expect(firstSendSlotAtOrAfter(utc('2026-03-13T10:00:00Z'), berlinAtNine)).toBe(
      utc('2026-03-16T08:00:00Z'),
    );
  });

  it("uses the customer's weekend, not UTC's: Friday in UTC is already Saturday in Tokyo", () => {
    expect(firstSendSlotAtOrAfter(utc('2026-03-06T16:00:00Z'), tokyoAtNine)).toBe(
      utc('2026-03-09T00:00:00Z'),
    );
  });
});

describe('stageSendTime', () => {
  const dueThursday: LocalDate = '2026-04-02';
  const issuedInMarch: LocalDate = '2026-03-02';

  it('sends a courtesy reminder 3 days before the due date', () => {
    expect(stageSendTime(dueThursday, -3, berlinAtNine, issuedInMarch)).toBe(utc('2026-03-30T07:00:00Z'));
  });

  it('moves a stage that falls on a Saturday to Monday', () => {
    expect(stageSendTime('2026-03-17', -3, berlinAtNine, issuedInMarch)).toBe(utc('2026-03-16T08:00:00Z'));
  });

  it('moves a stage on Good Friday past Easter to Tuesday', () => {
    expect(stageSendTime(dueThursday, 1, berlinAtNine, issuedInMarch)).toBe(utc('2026-04-07T07:00:00Z'));
  });

  it('never sends a stage before the invoice was issued', () => {
    expect(stageSendTime(dueThursday, -3, berlinAtNine, '2026-04-01')).toBe(utc('2026-04-01T07:00:00Z'));
  });
});

describe('schedule properties', () => {
  it("a send slot never falls on a weekend or holiday in the customer's zone", () => {
    fc.assert(
      fc.property(dayAndWindow, ({ day, window }) => {
        const sendDay = localDateAt(sendSlotOn(day, window), window.timeZone);
        expect(isBusinessDay(sendDay, window.holidays)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('the first send slot at or after an instant is not before it, and no slot lies between them', () => {
    fc.assert(
      fc.property(
        dayAndWindow,
        fc.integer({ min: 0, max: 24 * 60 * 60 * 1000 - 1 }),
        ({ day, window }, msIntoUtcDay) => {
          const instant = utc(`${day}T00:00:00Z`) + msIntoUtcDay;
          const slot = firstSendSlotAtOrAfter(instant, window);
          const slotDay = localDateAt(slot, window.timeZone);
          expect(slot).toBeGreaterThanOrEqual(instant);
          expect(isBusinessDay(slotDay, window.holidays)).toBe(true);
          expect(sendSlotOn(previousBusinessDayBefore(slotDay, window.holidays), window)).toBeLessThan(
            instant,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a stage is never sent before the issue date', () => {
    fc.assert(
      fc.property(
        dayAndWindow,
        fc.integer({ min: -10, max: 60 }),
        fc.integer({ min: 0, max: 30 }),
        ({ day: dueDate, window }, offsetDays, daysIssuedBeforeDue) => {
          const issueDate = addDays(dueDate, -daysIssuedBeforeDue);
          const sendTime = stageSendTime(dueDate, offsetDays, window, issueDate);
          expect(daysBetween(issueDate, localDateAt(sendTime, window.timeZone))).toBeGreaterThanOrEqual(0);
          expect(sendTime).toBeGreaterThanOrEqual(sendSlotOn(issueDate, window));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('later stages are never sent before earlier ones', () => {
    fc.assert(
      fc.property(dayAndWindow, ladderOffsets, ({ day: dueDate, window }, offsets) => {
        const issueDate = addDays(dueDate, -14);
        const sendTimes = [...offsets]
          .sort((a, b) => a - b)
          .map((offset) => stageSendTime(dueDate, offset, window, issueDate));
        sendTimes
          .slice(1)
          .forEach((sendTime, index) => expect(sendTime).toBeGreaterThanOrEqual(sendTimes[index]!));
      }),
      { numRuns: 300 },
    );
  });

  it('the same stage and window always give the same send time', () => {
    fc.assert(
      fc.property(
        dayAndWindow,
        fc.integer({ min: -10, max: 60 }),
        sendWindow,
        ({ day, window }, offsetDays, other) => {
          const first = stageSendTime(day, offsetDays, window, day);
          // Work for another customer in between must not leak into this one's answer.
          stageSendTime(day, offsetDays, other, day);
          expect(stageSendTime(day, offsetDays, { ...window, holidays: [...window.holidays] }, day)).toBe(
            first,
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
