import type { FastifyError, FastifyInstance } from 'fastify';
import { toFieldErrors } from './ajv.js';
import { AppError, ERROR_CATALOGUE, type ErrorCode, type ErrorDetails } from './errors.js';

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
}

function body(code: ErrorCode, message: string, details: ErrorDetails = {}) {
  return { error: { code, message, details } };
}

/** Maps database errors that user input can cause to 4xx, so input never produces a 500. */
function fromDatabase(err: PgError): AppError | undefined {
  switch (err.code) {
    case '23505':
      return new AppError('CONFLICT', 'A record with the same unique value already exists.', {
        constraint: err.constraint,
      });
    case '23503':
      return new AppError('CONFLICT', 'The record refers to, or is referred to by, another record.', {
        constraint: err.constraint,
      });
    case '22P02':
    case '22007':
    case '22008':
    case '22003':
    case '23514':
      return new AppError('VALIDATION_FAILED', 'A value is out of range or malformed.', {
        constraint: err.constraint,
      });
    default:
      return undefined;
  }
}

/** The one place where errors become responses: `{ error: { code, message, details } }`. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler(
    (err: FastifyError & PgError & { validation?: unknown[]; validationContext?: string }, req, reply) => {
      if (err instanceof AppError) {
        return reply.status(err.status).send(body(err.code, err.message, err.details));
      }
      if (err.validation) {
        const fields = toFieldErrors(err.validation as never, err.validationContext ?? 'body');
        return reply
          .status(400)
          .send(body('VALIDATION_FAILED', ERROR_CATALOGUE.VALIDATION_FAILED.message, { fields }));
      }
      switch (err.code) {
        case 'FST_ERR_CTP_BODY_TOO_LARGE':
          // Bad input like any other: 400 naming the body (file uploads keep their own 413 with limits per file).
          return reply.status(400).send(
            body('VALIDATION_FAILED', `The request body exceeds ${app.initialConfig.bodyLimit} bytes.`, {
              fields: [
                { path: '/', message: `body larger than ${app.initialConfig.bodyLimit} bytes`, in: 'body' },
              ],
            }),
          );
        case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
          return reply.status(415).send(body('UNSUPPORTED_MEDIA_TYPE', err.message));
        case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        case 'FST_ERR_CTP_INVALID_JSON_BODY':
          return reply.status(400).send(
            body('VALIDATION_FAILED', 'The body is not valid JSON.', {
              fields: [{ path: '/', message: 'is not valid JSON', in: 'body' }],
            }),
          );
      }
      if (err instanceof SyntaxError || (err.statusCode === 400 && err.message?.includes('JSON'))) {
        return reply.status(400).send(
          body('VALIDATION_FAILED', 'The body is not valid JSON.', {
            fields: [{ path: '/', message: 'is not valid JSON', in: 'body' }],
          }),
        );
      }
      if (err.statusCode === 429) {
        return reply.status(429).send(body('RATE_LIMITED', ERROR_CATALOGUE.RATE_LIMITED.message));
      }
      const db = fromDatabase(err);
      if (db) {
        req.log.warn({ err }, 'database rejected input');
        return reply.status(db.status).send(body(db.code, db.message, db.details));
      }
      if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
        return reply.status(err.statusCode).send(body('VALIDATION_FAILED', err.message));
      }
      req.log.error({ err }, 'unhandled error');
      return reply
        .status(500)
        .send(body('INTERNAL', ERROR_CATALOGUE.INTERNAL.message, { requestId: req.id }));
    },
  );
}

/**
 * The JSON 404 for paths no route answers. Installed in the app's main context (not the root), so unknown
 * paths get that context's hooks (request id, security headers) like any other route of it.
 */
export function installNotFoundHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send(body('ROUTE_NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}.`));
  });
}
