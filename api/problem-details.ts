import type { z } from 'zod';

/**
 * Every kind of error the API answers with, as RFC 9457 problem types. The `type` URI of a kind never
 * changes; `GET /problems/{kind}` describes it, so a caller can look up what to do.
 */
export const problemCatalogue = {
  'validation-failed': {
    status: 400,
    title: 'The request is not valid',
    advice: 'Fix each field listed in `errors` and send the request again; nothing was started or changed.',
  },
  'malformed-json': {
    status: 400,
    title: 'The request body is not valid JSON',
    advice: 'Send a JSON object with Content-Type: application/json.',
  },
  unauthenticated: {
    status: 401,
    title: 'Missing or invalid credentials',
    advice: 'Send `Authorization: Bearer <api key>` with a key made by `npm run api-key -- create`.',
  },
  forbidden: {
    status: 403,
    title: 'Your role may not do this',
    advice: 'Use a key whose role is listed for this operation in the API documentation (/docs).',
  },
  'not-found': {
    status: 404,
    title: 'No such resource',
    advice: 'Check the identifier or path; the API documentation lists every route at /docs.',
  },
  'invoice-conflict': {
    status: 409,
    title: 'An invoice with this id already exists with different data',
    advice:
      'Use a new invoiceId for a new invoice, or amend the existing one with POST /invoices/{invoiceId}/amendments.',
  },
  'invoice-closed': {
    status: 409,
    title: 'The invoice is closed',
    advice: 'A paid, cancelled, credited or written-off invoice takes no further actions.',
  },
  'invoice-state-conflict': {
    status: 409,
    title: "The invoice's current state does not allow this",
    advice:
      "Read the invoice (GET /invoices/{invoiceId}) and act on its current state; `detail` says what's in the way.",
  },
  'task-conflict': {
    status: 409,
    title: "The task's current state does not allow this",
    advice: 'Read the task inbox (GET /tasks) for its current status.',
  },
  'payload-too-large': {
    status: 413,
    title: 'The request body is too large',
    advice: 'Send a smaller body; no request to this API needs more than a few kilobytes.',
  },
  'unsupported-media-type': {
    status: 415,
    title: 'The request body must be JSON',
    advice: 'Send the body with Content-Type: application/json.',
  },
  'command-refused': {
    status: 422,
    title: 'The invoice refused this action',
    advice: '`detail` says why; correct the values (amounts, dates, installments) and send it again.',
  },
  'rate-limited': {
    status: 429,
    title: 'Too many requests',
    advice: 'Wait for the number of seconds in the Retry-After header, then retry.',
  },
  'internal-error': {
    status: 500,
    title: 'Something went wrong on our side',
    advice: 'Retry later; if it keeps happening, give the requestId to the operators.',
  },
  'service-unavailable': {
    status: 503,
    title: 'A service the API depends on is not available',
    advice: 'Retry after a short wait; the request was not applied unless a later read shows it.',
  },
} as const satisfies Record<string, { status: number; title: string; advice: string }>;

export type ProblemKind = keyof typeof problemCatalogue;
export const problemKinds = Object.keys(problemCatalogue) as ProblemKind[];

export function problemTypeUri(kind: ProblemKind): string {
  return `/problems/${kind}`;
}

export interface FieldError {
  /** Where the bad value is: the body, the query string or the path. */
  in: 'body' | 'query' | 'path';
  /** Dotted path to the field, e.g. "customer.email" or "installments.1.amount"; empty for the whole input. */
  path: string;
  message: string;
}

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  requestId?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** Thrown anywhere in a request; the error handler answers it as application/problem+json. */
export class Problem extends Error {
  override name = 'Problem';
  constructor(
    readonly kind: ProblemKind,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }

  get status(): number {
    return problemCatalogue[this.kind].status;
  }

  asDocument(requestId?: string): ProblemDocument {
    const { title, status } = problemCatalogue[this.kind];
    return {
      type: problemTypeUri(this.kind),
      title,
      status,
      detail: this.detail,
      ...(requestId ? { requestId } : {}),
      ...this.extensions,
    };
  }
}

/** One problem naming every bad field of a request, with what each field expects. */
export function validationProblem(errors: FieldError[]): Problem {
  const fields = errors.map((error) => error.path || `(${error.in})`).join(', ');
  return new Problem(
    'validation-failed',
    `${errors.length} field${errors.length === 1 ? '' : 's'} need${errors.length === 1 ? 's' : ''} fixing: ${fields}.`,
    { errors },
  );
}

export function fieldErrorsFrom(error: z.ZodError, location: FieldError['in']): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    const path = issue.path.map(String);
    // One entry per unknown field, so each is named where it is.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        in: location,
        path: [...path, key].join('.'),
        message:
          'is not a known field; remove it (the API documentation lists the fields this request takes)',
      }));
    }
    return [{ in: location, path: path.join('.'), message: issue.message }];
  });
}

const typeNames: Record<string, string> = { object: 'a JSON object', array: 'a list', int: 'a whole number' };

/** Wording for what a field's schema left to zod's defaults: what the field must be, and whether it is missing. */
export const fieldErrorMessages: z.core.$ZodErrorMap = (issue) => {
  if (issue.code !== 'invalid_type') return undefined;
  const expected = typeNames[issue.expected] ?? `a ${issue.expected}`;
  return issue.input === undefined ? `is required; must be ${expected}` : `must be ${expected}`;
};
