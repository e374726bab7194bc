import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { Problem } from './problem-details';

/** Errors from Express's body parser and static files carry a status and a type. */
interface HttpError extends Error {
  status: number;
  type?: string;
}

function isHttpError(error: unknown): error is HttpError {
  return error instanceof Error && typeof (error as Partial<HttpError>).status === 'number';
}

function asProblem(error: unknown): Problem {
  if (error instanceof Problem) return error;
  if (isHttpError(error)) {
    switch (error.type) {
      case 'entity.parse.failed':
        return new Problem(
          'malformed-json',
          `The body is not valid JSON (${error.message}); send a JSON object.`,
        );
      case 'entity.too.large':
        return new Problem(
          'payload-too-large',
          'The body is larger than this API accepts; send only the documented fields.',
        );
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return new Problem(
          'unsupported-media-type',
          `${error.message}; send UTF-8 JSON without content encoding.`,
        );
    }
    if (error.status === 404)
      return new Problem('not-found', 'No such file; the API documentation is at /docs.');
  }
  return new Problem(
    'internal-error',
    'The request failed on our side; retry later, and quote the requestId if it keeps failing.',
  );
}

function sendProblem(res: Response, problem: Problem): void {
  res
    .status(problem.status)
    .set(problem.headers)
    .type('application/problem+json')
    .send(JSON.stringify(problem.asDocument(String(res.req.id))));
}

/** Every error becomes application/problem+json; anything unexpected is logged with the request and hidden from the caller. */
export const answerWithProblem: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent) return next(error);
  const problem = asProblem(error);
  if (problem.status >= 500) res.err = error instanceof Error ? error : new Error(String(error));
  sendProblem(res, problem);
};

export const unknownRoute: RequestHandler = (req) => {
  throw new Problem(
    'not-found',
    `There is no ${req.method} ${req.path}; the API documentation at /docs lists every route.`,
  );
};
