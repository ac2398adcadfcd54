// Imported first by ocds-limits.e2e-spec.ts: a package cap of two releases for that file only
// (jest gives each test file its own copy of process.env).
process.env.OCDS_PACKAGE_MAX_RELEASES = '2';
