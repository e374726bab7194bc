/** An amount in the currency's minor units (cents for EUR/USD, yen for JPY): always a safe integer, never a float. */
export type MinorUnits = number;

/** ISO 4217 alphabetic code, e.g. "EUR". */
export type CurrencyCode = string;

export interface Money {
  amount: MinorUnits;
  currency: CurrencyCode;
}

export function isMinorUnits(value: unknown): value is MinorUnits {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

export function isCurrencyCode(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  return Intl.supportedValuesOf('currency').includes(code);
}

/** Number of decimal places of the currency's minor unit (2 for EUR, 0 for JPY, 3 for KWD). */
export function currencyExponent(currency: CurrencyCode): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/** "€1,234.50" style text for people; the amount is exact because it is built from integers. */
export function formatMoney(money: Money, locale = 'en'): string {
  const exponent = currencyExponent(money.currency);
  const sign = money.amount < 0 ? '-' : '';
  const digits = Math.abs(money.amount)
    .toString()
    .padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  const decimal = exponent === 0 ? whole : `${whole}.${fraction}`;
  // Intl formats strings exactly (no float rounding) when given a decimal string.
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: money.currency,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  }).format(`${sign}${decimal}` as unknown as number);
}

/** Splits a total into `count` integer parts that differ by at most one minor unit and sum exactly to the total. */
export function splitEvenly(total: MinorUnits, count: number): MinorUnits[] {
  const base = Math.floor(total / count);
  const remainder = total - base * count;
  return Array.from({ length: count }, (_, index) => base + (index < remainder ? 1 : 0));
}
