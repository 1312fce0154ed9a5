/**
 * Typed HTTP errors. A handler throws one of these; `withHttpErrors` turns it into a JSON
 * response `{ "error": code, "message": message }` with its status code. Anything else that
 * escapes a handler is an internal error and gets a generic 500 body, so no SDK message or stack
 * trace ever reaches a client.
 */
class HttpError extends Error {
  override readonly name: string = 'HttpError';
  readonly statusCode: number;
  /** Stable, machine-readable error code for the response body. */
  readonly code: string;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    statusCode: number,
    code: string,
    message: string,
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.statusCode = statusCode;
    this.code = code;
    this.headers = headers;
  }
}

export class BadRequestError extends HttpError {
  override readonly name: string = 'BadRequestError';
  constructor(message: string, code = 'BadRequest') {
    super(400, code, message);
  }
}

export class MethodNotAllowedError extends HttpError {
  override readonly name = 'MethodNotAllowedError';
  constructor(allowed: readonly string[]) {
    super(405, 'MethodNotAllowed', `Method not allowed; use ${allowed.join(', ')}`, {
      Allow: allowed.join(', '),
    });
  }
}

export const isHttpError = (error: unknown): error is HttpError => error instanceof HttpError;
