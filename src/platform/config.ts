import path from 'node:path';

export type LoginRole = 'admin' | 'partner_manager' | 'finance' | 'compliance' | 'analyst' | 'partner';
export const LOGIN_ROLES: readonly LoginRole[] = [
  'admin',
  'partner_manager',
  'finance',
  'compliance',
  'analyst',
  'partner',
] as const;

export interface SmtpConfig {
  /** nodemailer connection URL, e.g. smtp://user:pass@mail.example.com:587 */
  url: string | undefined;
  from: string;
}

export interface Config {
  port: number;
  host: string;
  /** PGlite data folder; ignored when databaseUrl is set. */
  dataDir: string;
  /** PostgreSQL connection string; when set, PGlite is not used. */
  databaseUrl: string | undefined;
  logLevel: string;
  publicUrl: string;
  /** Largest accepted request body, bytes. */
  bodyLimit: number;
  sessionTtlMinutes: number;
  /** Missing-commission claims: days staff have to answer (calendar days); view-as marker lifetime (minutes). */
  claims: { responseDays: number; viewAsMinutes: number };
  /** `auto`: Secure cookie flag when the request arrived over https (or via a proxy saying so). */
  cookieSecure: 'auto' | boolean;
  requireTotpForRoles: LoginRole[];
  login: { maxFailedAttempts: number; lockoutMinutes: number; ratePerMinute: number };
  passwordResetTtlMinutes: number;
  smtp: SmtpConfig;
  /** Start pg-boss and its schedules (server only). */
  jobs: boolean;
  /** Trust X-Forwarded-* headers (behind a load balancer). */
  trustProxy: boolean;
  /** Click redirect and postbacks (issue 5). */
  tracking: {
    /** Secret mixed into the hashes of client addresses (set a long random value in production). */
    ipHashSalt: string;
    /** Request header carrying the visitor's country (ISO alpha-2), e.g. cf-ipcountry. */
    countryHeader: string;
    /** Where unknown codes go; unset: 404. Paused links go to their brand's fallback URL. */
    unknownCodeUrl: string | undefined;
    /** How long a resolved link stays cached in one process (other processes see changes after this). */
    linkCacheTtlSeconds: number;
    /** Clicks held in memory before the redirect waits for the writer (back-pressure). */
    clickBufferMax: number;
    /** Longest time a click waits in the buffer before it is written. */
    clickFlushMs: number;
    /** Accepted clock skew of signed postbacks. */
    signatureToleranceSeconds: number;
  };
  /** Partner documents: AES-256-GCM key (base64 of 32 bytes; unset: a dev key is derived, with a warning), folder, size limit. */
  documents: { key: string | undefined; dir: string; maxBytes: number };
}

export class ConfigError extends Error {}

function intFrom(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new ConfigError(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}

function rolesFrom(name: string, value: string | undefined): LoginRole[] {
  if (!value) return [];
  const roles = value
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  for (const r of roles) {
    if (!LOGIN_ROLES.includes(r as LoginRole)) {
      throw new ConfigError(`${name}: unknown role "${r}" (known: ${LOGIN_ROLES.join(', ')})`);
    }
  }
  return roles as LoginRole[];
}

/**
 * Reads configuration from the environment, with explicit overrides (CLI flags) on top.
 * Every variable is documented in README.md.
 */
export function loadConfig(overrides: Partial<Config> = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const port = overrides.port ?? intFrom('PORT', env.PORT, 3000);
  const cookieSecureRaw = env.CONSORT_COOKIE_SECURE ?? 'auto';
  const cookieSecure = cookieSecureRaw === 'auto' ? 'auto' : cookieSecureRaw === 'true';
  const config: Config = {
    port,
    host: env.HOST ?? '127.0.0.1',
    dataDir: path.resolve(env.CONSORT_DATA_DIR ?? './.consort'),
    databaseUrl: env.DATABASE_URL || undefined,
    logLevel: env.CONSORT_LOG_LEVEL ?? 'info',
    publicUrl: env.CONSORT_PUBLIC_URL ?? `http://localhost:${port}`,
    bodyLimit: intFrom('CONSORT_BODY_LIMIT', env.CONSORT_BODY_LIMIT, 1024 * 1024),
    sessionTtlMinutes: intFrom('CONSORT_SESSION_TTL_MINUTES', env.CONSORT_SESSION_TTL_MINUTES, 12 * 60),
    claims: {
      responseDays: intFrom('CONSORT_CLAIM_RESPONSE_DAYS', env.CONSORT_CLAIM_RESPONSE_DAYS, 14),
      viewAsMinutes: intFrom('CONSORT_VIEW_AS_MINUTES', env.CONSORT_VIEW_AS_MINUTES, 30),
    },
    cookieSecure,
    requireTotpForRoles: rolesFrom('CONSORT_REQUIRE_TOTP_ROLES', env.CONSORT_REQUIRE_TOTP_ROLES),
    login: {
      maxFailedAttempts: intFrom('CONSORT_LOGIN_MAX_FAILED', env.CONSORT_LOGIN_MAX_FAILED, 5),
      lockoutMinutes: intFrom('CONSORT_LOGIN_LOCKOUT_MINUTES', env.CONSORT_LOGIN_LOCKOUT_MINUTES, 15),
      ratePerMinute: intFrom('CONSORT_LOGIN_RATE_PER_MINUTE', env.CONSORT_LOGIN_RATE_PER_MINUTE, 20),
    },
    passwordResetTtlMinutes: intFrom(
      'CONSORT_PASSWORD_RESET_TTL_MINUTES',
      env.CONSORT_PASSWORD_RESET_TTL_MINUTES,
      60,
    ),
    smtp: {
      url: env.CONSORT_SMTP_URL || undefined,
      from: env.CONSORT_MAIL_FROM ?? 'Consort <no-reply@localhost>',
    },
    jobs: false,
    trustProxy: env.CONSORT_TRUST_PROXY === 'true',
    tracking: {
      ipHashSalt: env.CONSORT_IP_HASH_SALT ?? 'consort-default-salt',
      countryHeader: (env.CONSORT_COUNTRY_HEADER ?? 'cf-ipcountry').toLowerCase(),
      unknownCodeUrl: env.CONSORT_UNKNOWN_CODE_URL || undefined,
      linkCacheTtlSeconds: intFrom('CONSORT_LINK_CACHE_TTL_SECONDS', env.CONSORT_LINK_CACHE_TTL_SECONDS, 30),
      clickBufferMax: intFrom('CONSORT_CLICK_BUFFER_MAX', env.CONSORT_CLICK_BUFFER_MAX, 50_000),
      clickFlushMs: intFrom('CONSORT_CLICK_FLUSH_MS', env.CONSORT_CLICK_FLUSH_MS, 250),
      signatureToleranceSeconds: 300,
    },
    documents: {
      key: env.CONSORT_DOCUMENT_KEY || undefined,
      dir: path.resolve(
        env.CONSORT_DOCUMENTS_DIR ??
          path.join(overrides.dataDir ?? path.resolve(env.CONSORT_DATA_DIR ?? './.consort'), 'documents'),
      ),
      maxBytes: intFrom('CONSORT_DOCUMENT_MAX_BYTES', env.CONSORT_DOCUMENT_MAX_BYTES, 10 * 1024 * 1024),
    },
  };
  return { ...config, ...stripUndefined(overrides) };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
