import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Loaded before every e2e file (jest setupFiles), before any app module is imported, because
// the configuration is read once when the modules load. Short lock times keep lockout tests quick.
process.env.NODE_ENV ??= 'test';
process.env.LOG_LEVEL ??= 'warn';
process.env.JWT_SECRET ??= 'test-secret-that-is-long-enough-for-hs256-signing';
process.env.DATA_MASTER_KEY ??= Buffer.alloc(32, 7).toString('base64');
// A separate folder per run, so sealed attachments of parallel runs never mix.
process.env.STORAGE_DIR ??= join(tmpdir(), `marketplace-storage-${process.pid}`);
process.env.LOGIN_LOCK_BASE_SECONDS = '2';
process.env.LOGIN_LOCK_MAX_SECONDS = '4';
process.env.OUTBOX_POLL_INTERVAL_MS = '200';
process.env.JOB_BACKOFF_MS = '200';
// Bids received before the deadline may commit up to 2 s after it; proposals open after that.
process.env.PROPOSAL_RECEIPT_GRACE_SECONDS ??= '2';
