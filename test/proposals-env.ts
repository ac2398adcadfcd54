// Imported first by proposals.e2e-spec.ts: a small attachment limit, so the 413 case stays quick
// (jest gives each test file its own copy of process.env).
process.env.ATTACHMENT_MAX_BYTES = String(256 * 1024);
