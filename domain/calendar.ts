export type LocalDate = string; // 'YYYY-MM-DD', a calendar day with no time zone

interface CivilDate {
  year: number;
  month: number;
  day: number;
}

interface WallClock {
  date: CivilDate;
  hour: number;
  minute: number;
  second: number;
}

const MS_PER_SECOND = 1000;
const MS_PER_MINUTE = 60 * MS_PER_SECOND;
const MS_PER_HOUR = 60 * MS_PER_MINUTE;
const MS_PER_DAY = 24 * MS_PER_HOUR;
const DAYS_PER_400_YEARS = 146_097;
const DAYS_FROM_0000_03_01_TO_EPOCH = 719_468;
const EPOCH_WEEKDAY = 4; // 1970-01-01 was a Thursday
const LAST_SUPPORTED_YEAR = 9999;
const LOCAL_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLocalDate(value: string): boolean {
  return parseCivilDate(value) !== undefined;
}

export function addDays(date: LocalDate, days: number): LocalDate {
  if (!Number.isInteger(days)) {
    throw new RangeError(`days must be a whole number of days, e.g. 7 or -3; got ${days}`);
  }
  return localDateOf(civilDateOfEpochDay(epochDayOf(date) + days));
}

export function daysBetween(from: LocalDate, to: LocalDate): number {
  return epochDayOf(to) - epochDayOf(from);
}

export function dayOfWeek(date: LocalDate): number {
  return modulo(epochDayOf(date) + EPOCH_WEEKDAY, 7);
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    wallClockFormat(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function localDateAt(instantMs: number, timeZone: string): LocalDate {
  return localDateOf(wallClockAt(instantMs, timeZone).date);
}

export function instantAtLocalTime(date: LocalDate, hour: number, timeZone: string): number {
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) {
    throw new RangeError(`hour must be a whole hour from 0 to 23, e.g. 9 for 09:00 local time; got ${hour}`);
  }
  const wanted = epochDayOf(date) * MS_PER_DAY + hour * MS_PER_HOUR;
  // A zone's offsets a day either side are the only two a clock reading near the wanted one can carry.
  const offsetBefore = utcOffsetMs(wanted - MS_PER_DAY, timeZone);
  const offsetAfter = utcOffsetMs(wanted + MS_PER_DAY, timeZone);
  const exactInstants = [wanted - offsetBefore, wanted - offsetAfter].filter(
    (instant) => wallClockMs(instant, timeZone) === wanted,
  );
  if (exactInstants.length > 0) return Math.min(...exactInstants);
  return clockJumpPast(wanted, wanted - offsetAfter, wanted - offsetBefore, timeZone);
}

// The wanted reading falls in a spring-forward gap, so the answer is the instant the clock jumps over it;
// bisect between an instant still before the reading and one already past it.
function clockJumpPast(wanted: number, before: number, after: number, timeZone: string): number {
  while (after - before > 1) {
    const middle = before + Math.floor((after - before) / 2);
    if (wallClockMs(middle, timeZone) >= wanted) after = middle;
    else before = middle;
  }
  return after;
}

function utcOffsetMs(instantMs: number, timeZone: string): number {
  const wholeSecond = Math.floor(instantMs / MS_PER_SECOND) * MS_PER_SECOND;
  return wallClockMs(instantMs, timeZone) - wholeSecond;
}

// The local clock reading at an instant, counted in milliseconds as if the reading were UTC.
function wallClockMs(instantMs: number, timeZone: string): number {
  const clock = wallClockAt(instantMs, timeZone);
  return (
    epochDayOfCivilDate(clock.date) * MS_PER_DAY +
    clock.hour * MS_PER_HOUR +
    clock.minute * MS_PER_MINUTE +
    clock.second * MS_PER_SECOND
  );
}

function wallClockAt(instantMs: number, timeZone: string): WallClock {
  const parts = wallClockFormat(timeZone).formatToParts(instantMs);
  const field = (type: Intl.DateTimeFormatPartTypes) => parts.find((part) => part.type === type)?.value;
  const yearOfEra = Number(field('year'));
  return {
    // Intl numbers years before 1 AD as 1 BC, 2 BC, …; the calendar counts 0, -1, ….
    date: {
      year: field('era') === 'BC' ? 1 - yearOfEra : yearOfEra,
      month: Number(field('month')),
      day: Number(field('day')),
    },
    hour: Number(field('hour')),
    minute: Number(field('minute')),
    second: Number(field('second')),
  };
}

// Building a formatter costs far more than using one, and a workflow asks about the same few zones.
const wallClockFormats = new Map<string, Intl.DateTimeFormat>();

function wallClockFormat(timeZone: string): Intl.DateTimeFormat {
  const cached = wallClockFormats.get(timeZone);
  if (cached) return cached;
  const format = createWallClockFormat(timeZone);
  wallClockFormats.set(timeZone, format);
  return format;
}

function createWallClockFormat(timeZone: string): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw new RangeError(`time zone must be an IANA time zone name, e.g. 'Europe/Berlin'; got '${timeZone}'`);
  }
}

function parseCivilDate(value: string): CivilDate | undefined {
  const match = LOCAL_DATE_PATTERN.exec(value);
  if (!match) return undefined;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  const isRealDay = date.month >= 1 && date.month <= 12 && date.day >= 1 && date.day <= daysInMonth(date);
  return isRealDay ? date : undefined;
}

function daysInMonth({ year, month }: CivilDate): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function epochDayOf(date: LocalDate): number {
  const civilDate = parseCivilDate(date);
  if (!civilDate) {
    throw new RangeError(
      `date must be a real calendar day written YYYY-MM-DD, e.g. '2026-03-08'; got '${date}'`,
    );
  }
  return epochDayOfCivilDate(civilDate);
}

function localDateOf({ year, month, day }: CivilDate): LocalDate {
  if (year < 0 || year > LAST_SUPPORTED_YEAR) {
    throw new RangeError(`dates are supported from year 0000 to ${LAST_SUPPORTED_YEAR}; got year ${year}`);
  }
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

// Howard Hinnant's days_from_civil: exact proleptic Gregorian arithmetic for every year,
// counting from a March-based year so the leap day falls at the end.
function epochDayOfCivilDate({ year, month, day }: CivilDate): number {
  const marchYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(marchYear / 400);
  const yearOfEra = marchYear - era * 400;
  const dayOfMarchYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfMarchYear;
  return era * DAYS_PER_400_YEARS + dayOfEra - DAYS_FROM_0000_03_01_TO_EPOCH;
}

// Howard Hinnant's civil_from_days, the inverse of epochDayOfCivilDate.
function civilDateOfEpochDay(epochDay: number): CivilDate {
  const daysSince0000March = epochDay + DAYS_FROM_0000_03_01_TO_EPOCH;
  const era = Math.floor(daysSince0000March / DAYS_PER_400_YEARS);
  const dayOfEra = daysSince0000March - era * DAYS_PER_400_YEARS;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfMarchYear =
    dayOfEra - (yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const marchMonth = Math.floor((5 * dayOfMarchYear + 2) / 153);
  const month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9;
  return {
    year: era * 400 + yearOfEra + (month <= 2 ? 1 : 0),
    month,
    day: dayOfMarchYear - Math.floor((153 * marchMonth + 2) / 5) + 1,
  };
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function modulo(value: number, divisor: number): number {
  return ((value % divisor) + divisor) % divisor;
}
