import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { auditRoutes } from './audit/routes.js';
import { authGuard } from './auth/guard.js';
import { authRoutes } from './auth/routes.js';
import { viewAsRoutes } from './auth/view-as-routes.js';
import { claimRoutes } from './claims/routes.js';
import { messageRoutes } from './messages/routes.js';
import { notificationRoutes } from './notifications/routes.js';
import { brandRoutes } from './brands/routes.js';
import { reportingRoutes } from './reporting/routes.js';
import { fxRoutes } from './fx/routes.js';
import { commissionRoutes } from './commissions/routes.js';
import { deliverableRoutes } from './deliverables/routes.js';
import { portalBrandRoutes } from './partners/portal-brand-routes.js';
import { ledgerRoutes } from './ledger/routes.js';
import { attributionRoutes } from './attribution/routes.js';
import { intakeRoutes } from './intake/routes.js';
import { partnerRoutes } from './partners/routes.js';
import { redirectRoutes } from './tracking/redirect-routes.js';
import { trackingRoutes } from './tracking/routes.js';
import type { Config } from './platform/config.js';
import { closeServices, createServices, type ServiceOverrides } from './platform/create-services.js';
import { pingDatabase } from './platform/db/database.js';
import { bodyAjv, queryAjv } from './platform/http/ajv.js';
import { installErrorHandler, installNotFoundHandler } from './platform/http/error-handler.js';
import type { Logger } from './platform/logging.js';
import type { Services } from './platform/services.js';

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

export type App = FastifyInstance;

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Paths the web app's SPA fallback never answers: they stay the server's own (JSON 404 when unknown). */
const SERVER_PATHS = /^\/(api|r|docs|openapi\.json|healthz|readyz)(\/|$|\?)/;

/** The built web app (`npm run build:web`): `web/dist` beside `src/` when run from source, or from `dist/src/`. */
function webDistDir(): string | undefined {
  for (const rel of ['../web/dist', '../../web/dist']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (fs.existsSync(`${dir}/index.html`)) return dir;
  }
  return undefined;
}

/**
 * Serves the web console and partner portal (issue 7): hashed assets under /static/ cached for a year, and
 * `index.html` for every other GET outside the server's own paths, so client routes such as `/reset-password` load.
 * Without a built web app the root points at the API documentation.
 */
async function serveWebApp(app: App): Promise<void> {
  const root = webDistDir();
  if (!root) {
    app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/docs'));
    return;
  }
  await app.register(fastifyStatic, {
    root: `${root}/static`,
    prefix: '/static/',
    index: false,
    // Vite names these files by their content hash, so they never change.
    cacheControl: true,
    immutable: true,
    maxAge: '365d',
  });
  app.get('/*', { schema: { hide: true } }, async (req, reply) => {
    if (SERVER_PATHS.test(req.url)) return reply.callNotFound();
    return reply.header('cache-control', 'no-cache').sendFile('index.html', root, { cacheControl: false });
  });
  app.get('/', { schema: { hide: true } }, async (_req, reply) =>
    reply.header('cache-control', 'no-cache').sendFile('index.html', root, { cacheControl: false }),
  );
}

export interface BuildOptions extends ServiceOverrides {
  /** Use these services (tests share one database); otherwise they are created and closed with the app. */
  services?: Services;
}

/** The server options of the app (the tracking benchmark's bare route runs on a server made with the same). */
export function serverOptions(config: Config, logger: Logger): FastifyServerOptions {
  return {
    loggerInstance: logger as unknown as FastifyBaseLogger,
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    ajv: { customOptions: {} },
  };
}

/**
 * The HTTP application: every route, schema, hook and the OpenAPI document. It does not listen:
 * `consort start` does, and tests use `app.inject()`. The root context holds the click redirect
 * `/r/:code` (the high-volume path) and what every route shares (services, validators, the error handler,
 * the OpenAPI collector); everything else lives in the encapsulated `appContext`, whose hooks apply to its
 * routes only.
 */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<App> {
  const owned = !options.services;
  const services = options.services ?? (await createServices(config, options));

  const app = Fastify(serverOptions(config, services.logger)).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? bodyAjv : queryAjv).compile(schema as object),
  );
  app.decorate('services', services);
  installErrorHandler(app);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Consort API',
        version: '1.0.0',
        description:
          'One partner-program platform for every partner segment. Errors: `{ "error": { "code", "message", "details" } }`; ' +
          'validation errors list `details.fields[] = { path, message, in }`. Staff and partners sign in with a session cookie ' +
          '(writes need the `X-CSRF-Token` header from the login response); integrations send `Authorization: Bearer <API key>`.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'consort_session' },
          apiKey: { type: 'http', scheme: 'bearer' },
        },
      },
      tags: [
        { name: 'auth', description: 'Sign-in, sessions, two-factor, password reset, users, API keys' },
        { name: 'audit', description: 'The hash-chained audit trail' },
        { name: 'brands', description: "The operator's brands" },
        {
          name: 'partners',
          description: 'Partners (one record per person or company, in one or more segments)',
        },
        {
          name: 'onboarding',
          description: 'Applications, invitations, documents and vetting, deal templates, contracts',
        },
        { name: 'portal', description: "The partner portal: a partner's own data" },
        {
          name: 'fx',
          description: 'Exchange rates (ECB reference rates, imports), conversion at the event date',
        },
        {
          name: 'ledger',
          description: 'Period close, commission lines, balances, payouts, statements, reconciliation',
        },
        {
          name: 'reports',
          description: 'Overview KPIs, time series, funnel, segment mix, task queue, grouped reports',
        },
        {
          name: 'notifications',
          description: 'In-app notifications, preferences per event, e-mail templates',
        },
        { name: 'messages', description: 'Messages between a partner and its partner manager' },
        { name: 'health', description: 'Liveness and readiness' },
      ],
    },
  });
  await app.register(redirectRoutes, { services, config });
  // a plugin without fastify-plugin: a context of its own, so its hooks never run for /r/:code
  await app.register(appContext, { services });

  if (owned) {
    app.addHook('onClose', async () => {
      await closeServices(services);
    });
  }
  return app;
}

/**
 * Every route but the click redirect: request ids (a well-formed incoming X-Request-Id is echoed, else a
 * UUIDv7), security headers, cookies, rate limits, the auth guard and the JSON 404 for unknown paths.
 */
async function appContext(app: App, { services }: { services: Services }): Promise<void> {
  app.setGenReqId((req) => {
    const given = req.headers['x-request-id'];
    return typeof given === 'string' && REQUEST_ID.test(given) ? given : uuidv7();
  });
  installNotFoundHandler(app);
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'validator.swagger.io'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  await app.register(authGuard, { services });

  app.get('/healthz', { schema: { tags: ['health'], summary: 'The process is up' } }, async () => ({
    status: 'ok',
  }));
  app.get(
    '/readyz',
    { schema: { tags: ['health'], summary: 'The database answers' } },
    async (_req, reply) => {
      try {
        await pingDatabase(services.db);
        return { status: 'ready', database: services.database.engine };
      } catch (err) {
        app.log.warn({ err }, 'readiness probe failed');
        return reply
          .status(503)
          .send({ error: { code: 'UNAVAILABLE', message: 'The database does not answer.', details: {} } });
      }
    },
  );
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await serveWebApp(app);

  await app.register(
    async (api) => {
      await api.register(authRoutes);
      await api.register(auditRoutes);
      await api.register(brandRoutes);
      await api.register(partnerRoutes);
      await api.register(intakeRoutes);
      await api.register(attributionRoutes);
      await api.register(trackingRoutes);
      await api.register(reportingRoutes);
      await api.register(fxRoutes);
      await api.register(commissionRoutes);
      await api.register(deliverableRoutes);
      await api.register(portalBrandRoutes);
      await api.register(ledgerRoutes);
      await api.register(claimRoutes);
      await api.register(viewAsRoutes);
      await api.register(notificationRoutes);
      await api.register(messageRoutes);
    },
    { prefix: '/api/v1' },
  );
}
