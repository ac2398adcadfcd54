import { existsSync } from 'node:fs';
import { z } from 'zod';

/**
 * A number from the environment (where every value is a string). An empty or non-numeric value
 * is refused rather than read as 0; an unset one takes the default.
 */
function envNumber(schema: z.ZodNumber) {
  return z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v), schema);
}
const number = () =>
  z.number({
    error: (issue) =>
      issue.code !== 'invalid_type' ? undefined : issue.input === undefined ? 'is required' : 'must be a number',
  });
const int = (min: number, max?: number) => {
  const atLeast = number().int({ error: 'must be a whole number' }).min(min);
  return envNumber(max === undefined ? atLeast : atLeast.max(max));
};
/** A URL whose scheme is one of `schemes`. */
const urlOf = (...schemes: string[]) =>
  z.url({
    protocol: new RegExp(`^(${schemes.join('|')})$`),
    error: (issue) => (issue.input === undefined ? 'is required' : `must be a ${schemes.join(' or ')} URL`),
  });
/** Base64 of exactly 32 bytes (keys). */
const key32 = () =>
  z
    .base64({
      error: (issue) => (issue.input === undefined ? 'is required' : 'must be the base64 of exactly 32 bytes'),
      abort: true,
    })
    .refine((v) => Buffer.from(v, 'base64').length === 32, { error: 'must be the base64 of exactly 32 bytes' });

/**
 * Every environment variable the product reads, with its default: one definition that both
 * validates (once, at boot: a bad value stops the process with a message naming the variable)
 * and types the configuration (`AppEnv` below is inferred from it). The README's configuration
 * table and .env.example mirror this list (test/unit/env-example.spec.ts keeps them in step).
 */
export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: int(0, 65535).default(3000),
    PUBLIC_URL: z.url().default('http://localhost:3000'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    DATABASE_URL: urlOf('postgres', 'postgresql'),
    DATABASE_POOL_SIZE: int(1, 200).default(10),
    REDIS_URL: urlOf('redis', 'rediss'),
    // Redis calls on the request path (rate limit, health) give up after this and fall back.
    REDIS_REQUEST_TIMEOUT_MS: int(50, 5000).default(500),
    // Internal port for /metrics and /health of each process (API and worker); 0 turns it off.
    METRICS_PORT: int(0, 65535).default(9464),
    WORKER_METRICS_PORT: int(0, 65535).default(9465),
    METRICS_HOST: z.string().min(1).default('127.0.0.1'),

    JWT_SECRET: z.string().min(32),
    // Wraps the per-problem keys that seal proposals (libs/proposals): exactly 32 bytes, base64.
    DATA_MASTER_KEY: key32(),
    // Ed25519 seed (base64 of 32 bytes) signing the audit tree's heads; unset: derived from DATA_MASTER_KEY.
    AUDIT_SIGNING_KEY: z.union([z.literal(''), key32()]).optional(),
    // How often the worker chains committed audit rows, extends the Merkle tree and signs a new head.
    AUDIT_TREE_INTERVAL_MS: int(100).default(2000),
    STORAGE_DIR: z.string().min(1).default('.data/storage'),
    // Where sealed attachments live: postgres (default: shared, in the database backup), s3, or disk (one machine only).
    BLOB_STORE: z.enum(['postgres', 's3', 'disk']).default('postgres'),
    // Required when BLOB_STORE=s3 (checked below).
    S3_BUCKET: z.string().min(1).optional(),
    S3_ENDPOINT: z.union([z.literal(''), urlOf('http', 'https')]).optional(),
    S3_REGION: z.string().min(1).default('us-east-1'),
    S3_FORCE_PATH_STYLE: z.stringbool().default(false),
    S3_PREFIX: z.union([z.literal(''), z.string().regex(/^[a-z0-9][a-z0-9/-]*\/$/)]).default(''),
    S3_ACCESS_KEY_ID: z.string().optional(),
    S3_SECRET_ACCESS_KEY: z.string().optional(),
    // The built portal (vite build output) the API serves at `/`; absent: the API serves /api only.
    PORTAL_DIR: z.string().min(1).default('dist/portal'),
    ATTACHMENT_MAX_BYTES: int(1024).default(20 * 1024 * 1024),
    IMPORT_MAX_BYTES: int(1024).default(64 * 1024 * 1024),
    JWT_ACCESS_TTL_SECONDS: int(60, 3600).default(900),
    REFRESH_TOKEN_TTL_DAYS: int(1, 90).default(30),
    PASSWORD_SETUP_TTL_HOURS: int(1, 720).default(72),
    REGISTRATION_CONFIRM_TTL_HOURS: int(1, 720).default(48),

    LOGIN_MAX_FAILURES: int(1, 20).default(5),
    LOGIN_LOCK_BASE_SECONDS: int(1).default(30),
    LOGIN_LOCK_MAX_SECONDS: int(1).default(1800),

    CORS_ORIGINS: z.string().default(''),
    // Which proxies' X-Forwarded-For to believe (client IP for rate limits and logs): off by
    // default; `true` (any — only behind a proxy that overwrites the header), a hop count, or a
    // comma-separated list of proxy IPs/CIDRs.
    TRUST_PROXY: z
      .string()
      .trim()
      .regex(/^(|true|false|\d+|[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*)$/, {
        error: 'must be true, false, a hop count or a comma-separated list of addresses',
      })
      .default('false'),
    BODY_LIMIT_BYTES: int(1024).default(1_048_576),
    AUTH_RATE_LIMIT: int(1).default(20),
    AUTH_RATE_TTL_SECONDS: int(1).default(60),

    MAIL_FROM: z.string().min(1).default('Hai Phong Solution Marketplace <no-reply@marketplace.haiphong.local>'),
    // Empty means unset: mail is written to MAIL_DIR (owner-readable files) instead of sent.
    SMTP_URL: z.union([z.literal(''), urlOf('smtp', 'smtps')]).optional(),
    MAIL_DIR: z.string().min(1).default('.data/mail'),

    OUTBOX_POLL_INTERVAL_MS: int(50).default(1000),
    // Retention sweeps run by the worker.
    PRUNE_INTERVAL_MS: int(1000).default(3_600_000),
    OUTBOX_RETENTION_DAYS: int(1, 3650).default(14),
    IDEMPOTENCY_RETENTION_HOURS: int(1, 8760).default(72),
    TOKEN_RETENTION_DAYS: int(1, 3650).default(7),
    ORPHAN_BLOB_GRACE_HOURS: int(1, 8760).default(24),
    // The worker reports unhealthy when its outbox relay has not finished a round for this long.
    WORKER_STALL_SECONDS: int(5).default(60),
    JOB_ATTEMPTS: int(1, 50).default(8),
    JOB_BACKOFF_MS: int(10).default(2000),

    ADMIN_EMAIL: z.email().default('admin@marketplace.haiphong.local'),
    ADMIN_PASSWORD: z.union([z.literal(''), z.string().min(8).max(128)]).optional(),

    // Plan 106/KH-UBND: above 0.7 digital-technology enterprises per 1,000 population by end of 2025.
    INDICATOR_TARGET_PER_1000: envNumber(number().positive().max(1000)).default(0.7),

    // Problems (defaults follow Decree 214/2025/NĐ-CP for small packages).
    PROBLEM_MIN_OPEN_DAYS: int(0, 365).default(9),
    CLARIFICATION_CLOSE_DAYS: int(0, 365).default(3),
    AMENDMENT_MIN_REMAINING_DAYS: int(0, 365).default(3),
    DEADLINE_SWEEP_INTERVAL_MS: int(1000).default(60_000),
    // A bid counts by the time the server received it, if it commits within this grace after the
    // deadline; proposals open only after deadline + grace. Fixed per problem when it is published.
    PROPOSAL_RECEIPT_GRACE_SECONDS: int(1, 300).default(10),
    /** Comma-separated hours before the deadline at which followers and bidders are reminded. */
    DEADLINE_REMINDER_HOURS: z
      .string()
      .regex(/^(\s*\d+(\s*,\s*\d+)*\s*)?$/, { error: 'must be a comma-separated list of hours' })
      .default('48,24'),

    // Evaluation and award.
    /** Smallest panel, and fewest evaluators without a conflict each proposal must keep. */
    PANEL_MIN_SIZE: int(1, 50).default(3),
    /** Spread of evaluators' weighted totals (0–100 points) above which a proposal is flagged. */
    SCORE_DISAGREEMENT_THRESHOLD: envNumber(number().min(0).max(100)).default(20),
    /** Days after closing (or after scoring completes, for the officer) before a reminder, and between reminders. */
    EVALUATION_REMINDER_DAYS: int(1, 365).default(3),
    EVALUATION_REMINDER_SWEEP_INTERVAL_MS: int(1000).default(3_600_000),
    /** Working days (city calendar) after a decision during which bidders may complain; no order starts before. */
    STANDSTILL_WORKING_DAYS: int(0, 60).default(5),
    /** Returns allowed per milestone; then the department accepts or terminates. */
    ORDER_MAX_RETURNS: int(0, 20).default(3),
    /** Days before a milestone's due date for its reminder, and between overdue reminders. */
    ORDER_REMINDER_DAYS: int(1, 90).default(3),
    ORDER_REMINDER_SWEEP_INTERVAL_MS: int(1000).default(3_600_000),
    /** Ceiling of a direct re-order's price, as a percentage of the catalogue order's price. */
    REORDER_PRICE_CEILING_PERCENT: int(1, 1000).default(100),

    // Open Contracting Data Standard export.
    OCDS_OCID_PREFIX: z
      .string()
      .regex(/^ocds-[a-z0-9]{6}$/, { error: 'must look like ocds-xxxxxx (six lowercase letters or digits)' })
      .default('ocds-hpsm01'),
    OCDS_PUBLISHER_NAME: z.string().min(1).default('Ủy ban nhân dân thành phố Hải Phòng'),
    OCDS_PACKAGE_MAX_RELEASES: int(1, 10_000).default(1000),
  })
  .superRefine((env, ctx) => {
    if (env.BLOB_STORE === 's3' && !env.S3_BUCKET)
      ctx.addIssue({ code: 'custom', path: ['S3_BUCKET'], message: 'is required when BLOB_STORE=s3' });
  });

/** The validated configuration, typed from the schema itself. */
export type AppEnv = z.output<typeof envSchema>;

/** The names of every variable the schema reads (the README table and .env.example list them). */
export const ENV_KEYS = Object.keys(envSchema.shape) as (keyof AppEnv)[];

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
  const result = envSchema.safeParse(raw, {
    // A variable that is not set at all says so, whatever its type.
    error: (issue) => (issue.input === undefined ? 'is required' : undefined),
  });
  if (!result.success) {
    // One line per variable: `"PORT" too big: expected number to be <=65535`.
    const lines = result.error.issues
      .map((i) => `  - "${i.path.join('.')}" ${i.message.charAt(0).toLowerCase()}${i.message.slice(1)}`)
      .join('\n');
    throw new Error(`Invalid configuration, refusing to start:\n${lines}`);
  }
  return result.data;
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
