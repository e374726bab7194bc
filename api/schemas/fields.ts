import { z } from 'zod';
import { isLocalDate, isValidTimeZone } from '../../domain/calendar';
import { isCurrencyCode } from '../../domain/money';

/** An error message that says what the field expects, and that it is missing when it is. */
export function expects(description: string) {
  return {
    error: (issue: { input?: unknown }) =>
      issue.input === undefined ? `is required; ${description}` : description,
  };
}

export const positiveMinorUnits = z
  .number(expects('must be a whole number of minor units, e.g. 1999 for 19.99 EUR'))
  .int(expects('must be a whole number of minor units, e.g. 1999 for 19.99 EUR; money is never a fraction'))
  .positive(expects('must be more than 0, in minor units, e.g. 1999 for 19.99 EUR'))
  .meta({
    description: 'Amount in minor units of the currency (cents for EUR), e.g. 1999 for 19.99 EUR.',
    example: 1999,
  });

export const minorUnits = z
  .number(expects('must be a whole number of minor units, e.g. 0 or 1999 for 19.99 EUR'))
  .int(expects('must be a whole number of minor units, e.g. 1999 for 19.99 EUR; money is never a fraction'))
  .nonnegative(expects('must be 0 or more, in minor units'))
  .meta({ description: 'Amount in minor units of the currency (cents for EUR).', example: 0 });

export const currencyCode = z
  .string(expects('must be an ISO 4217 currency code, e.g. "EUR"'))
  .refine(isCurrencyCode, expects('must be an ISO 4217 currency code in capitals, e.g. "EUR" or "USD"'))
  .meta({ description: 'ISO 4217 currency code.', example: 'EUR', pattern: '^[A-Z]{3}$' });

export const localDate = z
  .string(expects('must be a calendar date written YYYY-MM-DD, e.g. "2026-03-31"'))
  .refine(isLocalDate, expects('must be a real calendar date written YYYY-MM-DD, e.g. "2026-03-31"'))
  .meta({ format: 'date', description: 'A calendar day, YYYY-MM-DD.', example: '2026-03-31' });

export const timeZone = z
  .string(expects('must be an IANA time zone name, e.g. "Europe/Berlin"'))
  .refine(
    isValidTimeZone,
    expects('must be an IANA time zone name, e.g. "Europe/Berlin" or "America/New_York"'),
  )
  .meta({
    description: "IANA time zone; reminders go out at the policy's send hour in this zone.",
    example: 'Europe/Berlin',
  });

export const emailAddress = z
  .email(expects('must be an email address, e.g. "ap@customer.example"'))
  .max(254, expects('must be at most 254 characters'))
  .meta({ example: 'ap@harbour-cafe.example' });

/** Becomes part of the workflow id and of URLs, so it keeps to characters safe in both. */
export const invoiceId = z
  .string(expects('must be the billing system\'s invoice id, e.g. "inv-2026-0042"'))
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/,
    expects(
      'must be 1-100 letters, digits, ".", "_", ":" or "-", starting with a letter or digit, e.g. "inv-2026-0042"',
    ),
  )
  .meta({
    description: "The billing system's invoice id; the workflow id is invoice-<invoiceId>.",
    example: 'inv-2026-0042',
  });

/** Free text; `description` names what it is, e.g. 'the number printed on the invoice, e.g. "INV-7"'. */
export function text(description: string, maxLength = 500) {
  return z
    .string(expects(`must be ${description}`))
    .trim()
    .min(1, expects(`must not be blank: give ${description}`))
    .max(maxLength, expects(`must be at most ${maxLength} characters`))
    .meta({ description });
}

export const instant = z.iso
  .datetime()
  .meta({ description: 'An instant in UTC, ISO 8601.', example: '2026-03-02T08:00:00.000Z' });

/** A whole number given in the query string. */
export function queryInteger(description: string, bounds: { min?: number; max?: number } = {}) {
  const advice = expects(description);
  let schema = z.coerce.number(advice).int(advice);
  if (bounds.min !== undefined) schema = schema.min(bounds.min, advice);
  if (bounds.max !== undefined) schema = schema.max(bounds.max, advice);
  // The generator reads a coerced number as "integer or null"; the query string never carries null.
  return schema.meta({ type: 'integer' });
}
