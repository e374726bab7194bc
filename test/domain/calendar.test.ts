import fc from 'fast-check';
import {
  addDays,
  dayOfWeek,
  daysBetween,
  instantAtLocalTime,
  isLocalDate,
  isValidTimeZone,
  localDateAt,
  type LocalDate,
} from '../../domain/calendar';

const utc = (isoInstant: string): number => Date.parse(isoInstant);

// Zones with DST on either hemisphere, half- and quarter-hour offsets, 30-minute DST shifts and midnight transitions.
const zones = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'America/St_Johns',
  'America/Santiago',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'Pacific/Kiritimati',
] as const;

const FIRST_DAY_2000: LocalDate = '2000-01-01';
const DAYS_2000_TO_2040 = daysBetween(FIRST_DAY_2000, '2040-12-31');
const localDate2000To2040 = fc
  .integer({ min: 0, max: DAYS_2000_TO_2040 })
  .map((n) => addDays(FIRST_DAY_2000, n));
const anyLocalDate = fc
  .integer({ min: 0, max: daysBetween('0000-01-01', '9999-12-31') })
  .map((n) => addDays('0000-01-01', n));

function localClockReading(instantMs: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instantMs);
  const field = (type: Intl.DateTimeFormatPartTypes) => parts.find((part) => part.type === type)?.value;
  return `${field('year')}-${field('month')}-${field('day')}T${field('hour')}:${field('minute')}:${field('second')}`;
}

describe('isLocalDate', () => {
  it.each(['2026-03-08', '2024-02-29', '2000-02-29', '0000-01-01', '9999-12-31'])(
    'accepts the real day %s',
    (value) => {
      expect(isLocalDate(value)).toBe(true);
    },
  );

  it.each([
    ['2026-02-30', 'a day past the end of February'],
    ['2026-02-29', 'a leap day in a common year'],
    ['1900-02-29', 'a leap day in a century that is not a leap year'],
    ['2026-04-31', 'the 31st of a 30-day month'],
    ['2026-13-01', 'month 13'],
    ['2026-00-10', 'month 0'],
    ['2026-03-00', 'day 0'],
    ['2026-3-8', 'unpadded month and day'],
    ['20260308', 'no separators'],
    ['2026-03-08T00:00', 'a time of day'],
    [' 2026-03-08', 'surrounding whitespace'],
    ['+2026-03-08', 'a signed year'],
    ['', 'an empty string'],
  ])('rejects %s (%s)', (value) => {
    expect(isLocalDate(value)).toBe(false);
  });
});

describe('addDays', () => {
  it.each([
    ['2026-03-08', 0, '2026-03-08'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2026-02-28', 1, '2026-03-01'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2026-03-31', -45, '2026-02-14'],
    ['2026-01-01', 365, '2027-01-01'],
  ])('moves %s by %i days to %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  it('rejects a date that is not a real day, naming the expected format', () => {
    expect(() => addDays('2026-02-30', 1)).toThrow(
      "date must be a real calendar day written YYYY-MM-DD, e.g. '2026-03-08'; got '2026-02-30'",
    );
  });

  it('rejects a fractional number of days', () => {
    expect(() => addDays('2026-03-08', 1.5)).toThrow('days must be a whole number of days');
  });

  it('rejects a result beyond year 9999', () => {
    expect(() => addDays('9999-12-31', 1)).toThrow('dates are supported from year 0000 to 9999');
  });
});

describe('daysBetween', () => {
  it.each([
    ['2026-01-01', '2026-12-31', 364],
    ['2024-01-01', '2025-01-01', 366],
    ['2026-03-31', '2026-03-28', -3],
    ['2026-03-08', '2026-03-08', 0],
    ['1970-01-01', '2026-03-08', 20_520],
  ])('counts from %s to %s as %i days', (from, to, expected) => {
    expect(daysBetween(from, to)).toBe(expected);
  });
});

describe('dayOfWeek', () => {
  it.each([
    ['2026-03-08', 0],
    ['2026-03-09', 1],
    ['2026-03-13', 5],
    ['2026-03-14', 6],
    ['1970-01-01', 4],
    ['2000-01-01', 6],
    ['0000-01-01', 6],
  ])('knows %s is weekday %i (0 = Sunday)', (date, expected) => {
    expect(dayOfWeek(date)).toBe(expected);
  });
});

describe('isValidTimeZone', () => {
  it.each(['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham', 'UTC'])(
    'accepts %s',
    (zone) => {
      expect(isValidTimeZone(zone)).toBe(true);
    },
  );

  it.each(['', 'Mars/Olympus', 'Europe/Berlinn', '+01:00', 'GMT+1'])('rejects %p', (zone) => {
    expect(isValidTimeZone(zone)).toBe(false);
  });
});

describe('localDateAt', () => {
  it.each([
    ['2026-03-08T04:59:59Z', 'America/New_York', '2026-03-07'],
    ['2026-03-08T05:00:00Z', 'America/New_York', '2026-03-08'],
    ['2026-03-07T14:59:59Z', 'Asia/Tokyo', '2026-03-07'],
    ['2026-03-07T15:00:00Z', 'Asia/Tokyo', '2026-03-08'],
    ['2026-03-07T18:30:00Z', 'Asia/Kolkata', '2026-03-08'],
    ['2026-03-07T10:14:59Z', 'Pacific/Chatham', '2026-03-07'],
    ['2026-03-07T10:15:00Z', 'Pacific/Chatham', '2026-03-08'],
    ['0000-06-01T12:00:00Z', 'UTC', '0000-06-01'],
  ])('places %s in %s on %s', (instant, zone, expected) => {
    expect(localDateAt(utc(instant), zone)).toBe(expected);
  });

  it('rejects an unknown time zone, naming an example of a valid one', () => {
    expect(() => localDateAt(0, 'Mars/Olympus')).toThrow(
      "time zone must be an IANA time zone name, e.g. 'Europe/Berlin'; got 'Mars/Olympus'",
    );
  });
});

describe('instantAtLocalTime', () => {
  it.each([
    ['2026-03-09', 9, 'Asia/Tokyo', '2026-03-09T00:00:00Z'],
    ['2026-03-08', 9, 'Asia/Kolkata', '2026-03-08T03:30:00Z'],
    ['2026-03-06', 9, 'America/New_York', '2026-03-06T14:00:00Z'],
    ['2026-03-09', 9, 'America/New_York', '2026-03-09T13:00:00Z'],
    ['2026-03-08', 1, 'America/New_York', '2026-03-08T06:00:00Z'],
    ['2026-03-08', 3, 'America/New_York', '2026-03-08T07:00:00Z'],
    ['2026-03-29', 1, 'Europe/Berlin', '2026-03-29T00:00:00Z'],
    ['2026-03-29', 9, 'Europe/Berlin', '2026-03-29T07:00:00Z'],
    ['2026-10-25', 9, 'Europe/Berlin', '2026-10-25T08:00:00Z'],
  ])('finds %s %i:00 in %s at %s', (date, hour, zone, expected) => {
    expect(instantAtLocalTime(date, hour, zone)).toBe(utc(expected));
  });

  it.each([
    ['2026-03-08', 2, 'America/New_York', '2026-03-08T07:00:00Z', '03:00 EDT'],
    ['2026-03-29', 2, 'Europe/Berlin', '2026-03-29T01:00:00Z', '03:00 CEST'],
    ['2026-10-04', 2, 'Australia/Sydney', '2026-10-03T16:00:00Z', '03:00 AEDT'],
    ['2026-10-04', 2, 'Australia/Lord_Howe', '2026-10-03T15:30:00Z', '02:30 +11'],
    ['2026-09-27', 3, 'Pacific/Chatham', '2026-09-26T14:00:00Z', '03:45 +13:45'],
    ['2026-09-06', 0, 'America/Santiago', '2026-09-06T04:00:00Z', '01:00 -03'],
  ])(
    'moves %s %i:00 in %s, skipped by spring-forward, to the end of the gap (%s, %s)',
    (date, hour, zone, expected) => {
      expect(instantAtLocalTime(date, hour, zone)).toBe(utc(expected));
    },
  );

  it.each([
    ['2026-11-01', 1, 'America/New_York', '2026-11-01T05:00:00Z', '01:00 EDT, not EST'],
    ['2026-10-25', 2, 'Europe/Berlin', '2026-10-25T00:00:00Z', '02:00 CEST, not CET'],
    ['2026-04-05', 2, 'Australia/Sydney', '2026-04-04T15:00:00Z', '02:00 AEDT, not AEST'],
    ['2026-04-05', 3, 'Pacific/Chatham', '2026-04-04T13:15:00Z', '03:00 +13:45, not +12:45'],
    ['2026-04-04', 23, 'America/Santiago', '2026-04-05T02:00:00Z', '23:00 -03, not -04'],
  ])(
    'picks the earlier of the two instants when fall-back repeats %s %i:00 in %s (%s, %s)',
    (date, hour, zone, expected) => {
      expect(instantAtLocalTime(date, hour, zone)).toBe(utc(expected));
    },
  );

  it.each([24, -1, 9.5, Number.NaN])('rejects hour %p, naming the accepted range', (hour) => {
    expect(() => instantAtLocalTime('2026-03-08', hour, 'UTC')).toThrow(
      'hour must be a whole hour from 0 to 23',
    );
  });

  it('rejects an unknown time zone', () => {
    expect(() => instantAtLocalTime('2026-03-08', 9, 'Europe/Berlinn')).toThrow(
      'time zone must be an IANA time zone name',
    );
  });
});

describe('calendar properties', () => {
  it('addDays and daysBetween undo each other', () => {
    fc.assert(
      fc.property(localDate2000To2040, fc.integer({ min: -100_000, max: 100_000 }), (date, days) => {
        expect(daysBetween(date, addDays(date, days))).toBe(days);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(anyLocalDate, anyLocalDate, (from, to) => {
        expect(addDays(from, daysBetween(from, to))).toBe(to);
      }),
      { numRuns: 500 },
    );
  });

  it('addDays always yields a real local date', () => {
    fc.assert(
      fc.property(localDate2000To2040, fc.integer({ min: -100_000, max: 100_000 }), (date, days) => {
        expect(isLocalDate(addDays(date, days))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('the weekday advances by one with each day and repeats every seven', () => {
    fc.assert(
      fc.property(
        anyLocalDate.filter((date) => date < '9999-12-24'),
        (date) => {
          expect(dayOfWeek(addDays(date, 1))).toBe((dayOfWeek(date) + 1) % 7);
          expect(dayOfWeek(addDays(date, 7))).toBe(dayOfWeek(date));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the local time built for a day falls on that same day in that zone', () => {
    fc.assert(
      fc.property(
        localDate2000To2040,
        fc.integer({ min: 0, max: 23 }),
        fc.constantFrom(...zones),
        (date, hour, zone) => {
          expect(localDateAt(instantAtLocalTime(date, hour, zone), zone)).toBe(date);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the local time built is the first instant the local clock reads that hour or later', () => {
    fc.assert(
      fc.property(
        localDate2000To2040,
        fc.integer({ min: 0, max: 23 }),
        fc.constantFrom(...zones),
        (date, hour, zone) => {
          const instant = instantAtLocalTime(date, hour, zone);
          const wanted = `${date}T${String(hour).padStart(2, '0')}:00:00`;
          expect(localClockReading(instant, zone) >= wanted).toBe(true);
          expect(localClockReading(instant - 1000, zone) < wanted).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
