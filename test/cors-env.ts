// Imported first by cors.e2e-spec.ts: an allowlist for that file only
// (jest gives each test file its own copy of process.env; the configuration is read once per file).
process.env.CORS_ORIGINS = 'https://cong.haiphong.gov.vn, https://other.example';
