// Imported first by throttle.e2e-spec.ts: a small auth rate limit for that file only
// (jest gives each test file its own copy of process.env).
process.env.AUTH_RATE_LIMIT = '3';
process.env.AUTH_RATE_TTL_SECONDS = '60';
