import pino, { type Logger } from 'pino';

export type { Logger };

/** One JSON logger for the process; request loggers are children of it (Fastify adds reqId). */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'consort' },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token', '*.secret'],
      censor: '[redacted]',
    },
  });
}
