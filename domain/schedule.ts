import { addDays, dayOfWeek, daysBetween, instantAtLocalTime, localDateAt, type LocalDate } from './calendar';

export interface SendWindow {
  timeZone: string; // customer's IANA time zone
  sendHour: number; // 0-23, local hour at which messages go out
  holidays: readonly LocalDate[]; // local dates that are not business days
}

const SUNDAY = 0;
const SATURDAY = 6;

export function isBusinessDay(date: LocalDate, holidays: readonly LocalDate[]): boolean {
  const weekday = dayOfWeek(date);
  return weekday !== SATURDAY && weekday !== SUNDAY && !holidays.includes(date);
}

export function nextBusinessDay(date: LocalDate, holidays: readonly LocalDate[]): LocalDate {
  let candidate = date;
  while (!isBusinessDay(candidate, holidays)) candidate = addDays(candidate, 1);
  return candidate;
}

export function sendSlotOn(date: LocalDate, window: SendWindow): number {
  return instantAtLocalTime(nextBusinessDay(date, window.holidays), window.sendHour, window.timeZone);
}

export function firstSendSlotAtOrAfter(instantMs: number, window: SendWindow): number {
  // Start a day early: a send hour inside a DST gap can push the previous day's slot into this local day.
  let day = addDays(localDateAt(instantMs, window.timeZone), -1);
  let slot = sendSlotOn(day, window);
  while (slot < instantMs) {
    day = addDays(day, 1);
    slot = sendSlotOn(day, window);
  }
  return slot;
}

export function stageSendTime(
  anchor: LocalDate,
  offsetDays: number,
  window: SendWindow,
  notBefore: LocalDate,
): number {
  return sendSlotOn(laterOf(addDays(anchor, offsetDays), notBefore), window);
}

function laterOf(first: LocalDate, second: LocalDate): LocalDate {
  return daysBetween(first, second) > 0 ? second : first;
}
