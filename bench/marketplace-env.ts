// Imported first by bench/marketplace.ts, before any module reads the configuration.
// DATABASE_URL, REDIS_URL, JWT_SECRET and DATA_MASTER_KEY come from the caller (npm run bench sets them).
process.env.LOG_LEVEL ??= 'warn';
// Tokens are minted directly and the bench hammers write routes from one IP: lift the auth rate limit.
process.env.AUTH_RATE_LIMIT ??= '1000000';
process.env.DATABASE_POOL_SIZE ??= '20';
