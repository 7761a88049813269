/**
 * The one error catalogue: every error the API returns has a code from this table, and its HTTP status
 * is decided here and nowhere else. Response shape: { "error": { "code", "message", "details" } }.
 */
export const ERROR_CATALOGUE = {
  VALIDATION_FAILED: { status: 400, message: 'The request is invalid; see details.fields.' },
  UNAUTHENTICATED: { status: 401, message: 'Sign in or send a valid API key.' },
  INVALID_CREDENTIALS: { status: 401, message: 'Wrong e-mail or password.' },
  TOTP_REQUIRED: { status: 401, message: 'Enter the code from your authenticator app.' },
  INVALID_TOTP: { status: 401, message: 'The authenticator code is wrong or expired.' },
  INVALID_SIGNATURE: { status: 401, message: 'The request signature is invalid.' },
  CSRF_FAILED: {
    status: 403,
    message: 'Missing or wrong X-CSRF-Token header for a cookie-authenticated write.',
  },
  FORBIDDEN: { status: 403, message: 'Your role or key does not allow this.' },
  BRAND_FORBIDDEN: { status: 403, message: 'This API key is not allowed to act on that brand.' },
  TOTP_ENROLMENT_REQUIRED: {
    status: 403,
    message: 'Your role requires two-factor authentication: enrol at /api/v1/auth/totp first.',
  },
  VIEW_AS_READ_ONLY: {
    status: 403,
    message: 'Viewing as a partner is read-only: end the view to make changes.',
  },
  VIEW_AS_INVALID: {
    status: 403,
    message: 'The view-as marker is unknown, expired, ended or belongs to another session.',
  },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No such route.' },
  CONFLICT: { status: 409, message: 'The request conflicts with the current state.' },
  INVALID_TRANSITION: { status: 409, message: 'That change is not allowed from the current state.' },
  ACTIVATION_BLOCKED: {
    status: 409,
    message: 'The partner cannot be activated: required documents are missing, unreviewed or expired.',
  },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported Content-Type.' },
  ACCOUNT_LOCKED: { status: 423, message: 'Too many failed sign-ins: the account is locked for a while.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; slow down.' },
  INTERNAL: {
    status: 500,
    message: 'Something went wrong on our side; the request id identifies it in the logs.',
  },
  UNAVAILABLE: { status: 503, message: 'A dependency is unavailable.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface FieldError {
  /** JSON pointer into the part of the request, e.g. `/email` or `/items/3/amount`. */
  path: string;
  message: string;
  /** Which part of the request: body, querystring, params, headers. */
  in?: string;
}

export interface ErrorDetails {
  fields?: FieldError[];
  [key: string]: unknown;
}

/** An expected failure with a catalogue code. Thrown by use cases, turned into a response in one place. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: ErrorDetails,
    options?: { cause?: unknown },
  ) {
    super(message ?? ERROR_CATALOGUE[code].message, options);
    this.status = ERROR_CATALOGUE[code].status;
  }
}

export function appError(code: ErrorCode, message?: string, details?: ErrorDetails): AppError {
  return new AppError(code, message, details);
}

export function validationError(fields: FieldError[], message?: string): AppError {
  return new AppError('VALIDATION_FAILED', message, { fields });
}

export function notFound(what = 'Resource'): AppError {
  return new AppError('NOT_FOUND', `${what} not found.`);
}
