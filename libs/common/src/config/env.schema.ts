import { existsSync } from 'node:fs';
import * as Joi from 'joi';

/**
 * Every environment variable the product reads, with its default. Validated once at boot:
 * a bad value stops the process with a message naming the variable (fail fast).
 * The README's configuration table mirrors this list.
 */
export const envSchema = Joi.object({
  NODE_ENV: Joi.string().valid('development', 'test', 'production').default('development'),
  PORT: Joi.number().port().default(3000),
  PUBLIC_URL: Joi.string().uri().default('http://localhost:3000'),
  LOG_LEVEL: Joi.string().valid('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent').default('info'),

  DATABASE_URL: Joi.string()
    .uri({ scheme: ['postgres', 'postgresql'] })
    .required(),
  DATABASE_POOL_SIZE: Joi.number().integer().min(1).max(200).default(10),
  REDIS_URL: Joi.string()
    .uri({ scheme: ['redis', 'rediss'] })
    .required(),
  // Redis calls on the request path (rate limit, health) give up after this and fall back.
  REDIS_REQUEST_TIMEOUT_MS: Joi.number().integer().min(50).max(5000).default(500),
  // Internal port for /metrics and /health of each process (API and worker); 0 turns it off.
  METRICS_PORT: Joi.number().integer().min(0).max(65535).default(9464),
  WORKER_METRICS_PORT: Joi.number().integer().min(0).max(65535).default(9465),
  METRICS_HOST: Joi.string().default('127.0.0.1'),

  JWT_SECRET: Joi.string().min(32).required(),
  // Wraps the per-problem keys that seal proposals (libs/proposals): exactly 32 bytes, base64.
  DATA_MASTER_KEY: Joi.string()
    .base64()
    .required()
    .custom((value: string, helpers) => (Buffer.from(value, 'base64').length === 32 ? value : helpers.error('any.invalid')))
    .messages({ 'any.invalid': '"DATA_MASTER_KEY" must be the base64 of exactly 32 bytes' }),
  // Ed25519 seed (base64 of 32 bytes) signing the audit tree's heads; unset: derived from DATA_MASTER_KEY.
  AUDIT_SIGNING_KEY: Joi.string()
    .base64()
    .allow('')
    .optional()
    .custom((value: string, helpers) =>
      value === '' || Buffer.from(value, 'base64').length === 32 ? value : helpers.error('any.invalid'),
    )
    .messages({ 'any.invalid': '"AUDIT_SIGNING_KEY" must be the base64 of exactly 32 bytes' }),
  // How often the worker chains committed audit rows, extends the Merkle tree and signs a new head.
  AUDIT_TREE_INTERVAL_MS: Joi.number().integer().min(100).default(2000),
  STORAGE_DIR: Joi.string().default('.data/storage'),
  // Where sealed attachments live: postgres (default: shared, in the database backup), s3, or disk (one machine only).
  BLOB_STORE: Joi.string().valid('postgres', 's3', 'disk').default('postgres'),
  S3_BUCKET: Joi.string().when('BLOB_STORE', { is: 's3', then: Joi.required(), otherwise: Joi.optional() }),
  S3_ENDPOINT: Joi.string()
    .uri({ scheme: ['http', 'https'] })
    .allow('')
    .optional(),
  S3_REGION: Joi.string().default('us-east-1'),
  S3_FORCE_PATH_STYLE: Joi.boolean().default(false),
  S3_PREFIX: Joi.string()
    .allow('')
    .pattern(/^[a-z0-9][a-z0-9/-]*\/$/)
    .default(''),
  S3_ACCESS_KEY_ID: Joi.string().allow('').optional(),
  S3_SECRET_ACCESS_KEY: Joi.string().allow('').optional(),
  // The built portal (vite build output) the API serves at `/`; absent: the API serves /api only.
  PORTAL_DIR: Joi.string().default('dist/portal'),
  ATTACHMENT_MAX_BYTES: Joi.number()
    .integer()
    .min(1024)
    .default(20 * 1024 * 1024),
  IMPORT_MAX_BYTES: Joi.number()
    .integer()
    .min(1024)
    .default(64 * 1024 * 1024),
  JWT_ACCESS_TTL_SECONDS: Joi.number().integer().min(60).max(3600).default(900),
  REFRESH_TOKEN_TTL_DAYS: Joi.number().integer().min(1).max(90).default(30),
  PASSWORD_SETUP_TTL_HOURS: Joi.number().integer().min(1).max(720).default(72),
  REGISTRATION_CONFIRM_TTL_HOURS: Joi.number().integer().min(1).max(720).default(48),

  LOGIN_MAX_FAILURES: Joi.number().integer().min(1).max(20).default(5),
  LOGIN_LOCK_BASE_SECONDS: Joi.number().integer().min(1).default(30),
  LOGIN_LOCK_MAX_SECONDS: Joi.number().integer().min(1).default(1800),

  CORS_ORIGINS: Joi.string().allow('').default(''),
  // Which proxies' X-Forwarded-For to believe (client IP for rate limits and logs): off by
  // default; `true` (any — only behind a proxy that overwrites the header), a hop count, or a
  // comma-separated list of proxy IPs/CIDRs.
  TRUST_PROXY: Joi.string()
    .trim()
    .allow('')
    .pattern(/^(true|false|\d+|[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*)$/)
    .default('false'),
  BODY_LIMIT_BYTES: Joi.number().integer().min(1024).default(1_048_576),
  AUTH_RATE_LIMIT: Joi.number().integer().min(1).default(20),
  AUTH_RATE_TTL_SECONDS: Joi.number().integer().min(1).default(60),

  MAIL_FROM: Joi.string().default('Hai Phong Solution Marketplace <no-reply@marketplace.haiphong.local>'),
  // Empty means unset: mail is written to MAIL_DIR (owner-readable files) instead of sent.
  SMTP_URL: Joi.string()
    .uri({ scheme: ['smtp', 'smtps'] })
    .allow('')
    .optional(),
  MAIL_DIR: Joi.string().default('.data/mail'),

  OUTBOX_POLL_INTERVAL_MS: Joi.number().integer().min(50).default(1000),
  // Retention sweeps run by the worker.
  PRUNE_INTERVAL_MS: Joi.number().integer().min(1000).default(3_600_000),
  OUTBOX_RETENTION_DAYS: Joi.number().integer().min(1).max(3650).default(14),
  IDEMPOTENCY_RETENTION_HOURS: Joi.number().integer().min(1).max(8760).default(72),
  TOKEN_RETENTION_DAYS: Joi.number().integer().min(1).max(3650).default(7),
  ORPHAN_BLOB_GRACE_HOURS: Joi.number().integer().min(1).max(8760).default(24),
  // The worker reports unhealthy when its outbox relay has not finished a round for this long.
  WORKER_STALL_SECONDS: Joi.number().integer().min(5).default(60),
  JOB_ATTEMPTS: Joi.number().integer().min(1).max(50).default(8),
  JOB_BACKOFF_MS: Joi.number().integer().min(10).default(2000),

  ADMIN_EMAIL: Joi.string().email({ tlds: false }).default('admin@marketplace.haiphong.local'),
  ADMIN_PASSWORD: Joi.string().min(8).max(128).allow('').optional(),

  // Plan 106/KH-UBND: above 0.7 digital-technology enterprises per 1,000 population by end of 2025.
  INDICATOR_TARGET_PER_1000: Joi.number().positive().max(1000).default(0.7),

  // Problems (defaults follow Decree 214/2025/NĐ-CP for small packages).
  PROBLEM_MIN_OPEN_DAYS: Joi.number().integer().min(0).max(365).default(9),
  CLARIFICATION_CLOSE_DAYS: Joi.number().integer().min(0).max(365).default(3),
  AMENDMENT_MIN_REMAINING_DAYS: Joi.number().integer().min(0).max(365).default(3),
  DEADLINE_SWEEP_INTERVAL_MS: Joi.number().integer().min(1000).default(60_000),
  // A bid counts by the time the server received it, if it commits within this grace after the
  // deadline; proposals open only after deadline + grace. Fixed per problem when it is published.
  PROPOSAL_RECEIPT_GRACE_SECONDS: Joi.number().integer().min(1).max(300).default(10),
  DEADLINE_REMINDER_HOURS: Joi.string()
    .pattern(/^\s*\d+(\s*,\s*\d+)*\s*$/)
    .allow('')
    .default('48,24'),

  // Evaluation and award.
  PANEL_MIN_SIZE: Joi.number().integer().min(1).max(50).default(3),
  SCORE_DISAGREEMENT_THRESHOLD: Joi.number().min(0).max(100).default(20),
  EVALUATION_REMINDER_DAYS: Joi.number().integer().min(1).max(365).default(3),
  EVALUATION_REMINDER_SWEEP_INTERVAL_MS: Joi.number().integer().min(1000).default(3_600_000),
  // Working days of the city calendar after a decision during which bidders may complain.
  STANDSTILL_WORKING_DAYS: Joi.number().integer().min(0).max(60).default(5),
  // How many times the department may return one milestone's deliverable before it must accept or terminate.
  ORDER_MAX_RETURNS: Joi.number().integer().min(0).max(20).default(3),
  // Milestones due within this many days are announced to both sides once; overdue ones every this many days.
  ORDER_REMINDER_DAYS: Joi.number().integer().min(1).max(90).default(3),
  ORDER_REMINDER_SWEEP_INTERVAL_MS: Joi.number().integer().min(1000).default(3_600_000),
  // A direct re-order from the catalogue may cost at most this percentage of the original order's price.
  REORDER_PRICE_CEILING_PERCENT: Joi.number().integer().min(1).max(1000).default(100),

  // Open Contracting Data Standard export.
  OCDS_OCID_PREFIX: Joi.string()
    .pattern(/^ocds-[a-z0-9]{6}$/)
    .default('ocds-hpsm01'),
  OCDS_PUBLISHER_NAME: Joi.string().default('Ủy ban nhân dân thành phố Hải Phòng'),
  OCDS_PACKAGE_MAX_RELEASES: Joi.number().integer().min(1).max(10_000).default(1000),
}).unknown(true);

export interface AppEnv {
  NODE_ENV: 'development' | 'test' | 'production';
  PORT: number;
  PUBLIC_URL: string;
  LOG_LEVEL: string;
  DATABASE_URL: string;
  DATABASE_POOL_SIZE: number;
  REDIS_URL: string;
  REDIS_REQUEST_TIMEOUT_MS: number;
  METRICS_PORT: number;
  WORKER_METRICS_PORT: number;
  METRICS_HOST: string;
  JWT_SECRET: string;
  DATA_MASTER_KEY: string;
  AUDIT_SIGNING_KEY?: string;
  AUDIT_TREE_INTERVAL_MS: number;
  STORAGE_DIR: string;
  BLOB_STORE: 'postgres' | 's3' | 'disk';
  S3_BUCKET?: string;
  S3_ENDPOINT?: string;
  S3_REGION: string;
  S3_FORCE_PATH_STYLE: boolean;
  S3_PREFIX: string;
  S3_ACCESS_KEY_ID?: string;
  S3_SECRET_ACCESS_KEY?: string;
  PORTAL_DIR: string;
  ATTACHMENT_MAX_BYTES: number;
  IMPORT_MAX_BYTES: number;
  JWT_ACCESS_TTL_SECONDS: number;
  REFRESH_TOKEN_TTL_DAYS: number;
  PASSWORD_SETUP_TTL_HOURS: number;
  REGISTRATION_CONFIRM_TTL_HOURS: number;
  LOGIN_MAX_FAILURES: number;
  LOGIN_LOCK_BASE_SECONDS: number;
  LOGIN_LOCK_MAX_SECONDS: number;
  CORS_ORIGINS: string;
  TRUST_PROXY: string;
  BODY_LIMIT_BYTES: number;
  AUTH_RATE_LIMIT: number;
  AUTH_RATE_TTL_SECONDS: number;
  MAIL_FROM: string;
  SMTP_URL?: string;
  MAIL_DIR: string;
  OUTBOX_POLL_INTERVAL_MS: number;
  PRUNE_INTERVAL_MS: number;
  OUTBOX_RETENTION_DAYS: number;
  IDEMPOTENCY_RETENTION_HOURS: number;
  TOKEN_RETENTION_DAYS: number;
  ORPHAN_BLOB_GRACE_HOURS: number;
  WORKER_STALL_SECONDS: number;
  JOB_ATTEMPTS: number;
  JOB_BACKOFF_MS: number;
  ADMIN_EMAIL: string;
  ADMIN_PASSWORD?: string;
  INDICATOR_TARGET_PER_1000: number;
  PROBLEM_MIN_OPEN_DAYS: number;
  CLARIFICATION_CLOSE_DAYS: number;
  AMENDMENT_MIN_REMAINING_DAYS: number;
  DEADLINE_SWEEP_INTERVAL_MS: number;
  PROPOSAL_RECEIPT_GRACE_SECONDS: number;
  /** Comma-separated hours before the deadline at which followers and bidders are reminded. */
  DEADLINE_REMINDER_HOURS: string;
  /** Smallest panel, and fewest evaluators without a conflict each proposal must keep. */
  PANEL_MIN_SIZE: number;
  /** Spread of evaluators' weighted totals (0–100 points) above which a proposal is flagged. */
  SCORE_DISAGREEMENT_THRESHOLD: number;
  /** Days after closing (or after scoring completes, for the officer) before a reminder, and between reminders. */
  EVALUATION_REMINDER_DAYS: number;
  EVALUATION_REMINDER_SWEEP_INTERVAL_MS: number;
  /** Working days (city calendar) after a decision during which bidders may complain; no order starts before. */
  STANDSTILL_WORKING_DAYS: number;
  /** Returns allowed per milestone; then the department accepts or terminates. */
  ORDER_MAX_RETURNS: number;
  /** Days before a milestone's due date for its reminder, and between overdue reminders. */
  ORDER_REMINDER_DAYS: number;
  ORDER_REMINDER_SWEEP_INTERVAL_MS: number;
  /** Ceiling of a direct re-order's price, as a percentage of the catalogue order's price. */
  REORDER_PRICE_CEILING_PERCENT: number;
  OCDS_OCID_PREFIX: string;
  OCDS_PUBLISHER_NAME: string;
  OCDS_PACKAGE_MAX_RELEASES: number;
}

/** Fastify's `trustProxy` from TRUST_PROXY: false, true, a hop count, or a list of addresses/CIDRs. */
export function trustProxyOption(value: string): boolean | number | string[] {
  const v = value.trim();
  if (v === '' || v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Validates the environment; throws one error listing every bad variable. */
export function validateEnv(raw: Record<string, unknown>): AppEnv {
  const { error, value } = envSchema.validate(raw, { abortEarly: false, convert: true });
  if (error) {
    const lines = error.details.map((d) => `  - ${d.message}`).join('\n');
    throw new Error(`Invalid configuration, refusing to start:\n${lines}`);
  }
  return value as AppEnv;
}

/**
 * Outside production, reads `.env` from the working directory when there is one (Node's own
 * parser). Variables already set in the environment win. In production the environment is the
 * only source, so a stray file can never change a deployed setting.
 */
export function loadDotEnv(file = '.env'): void {
  if (process.env.NODE_ENV === 'production' || !existsSync(file)) return;
  process.loadEnvFile(file);
}
