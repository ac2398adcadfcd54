// Preloaded (node -r) into a process under test: on SIGUSR2 writes to $LOADED_PACKAGES_FILE every
// file Node has loaded from node_modules (require.cache), so a test can say which packages the
// process really used. See test/worker-bundle.e2e-spec.ts.
const { writeFileSync } = require('node:fs');

process.on('SIGUSR2', () => {
  const files = Object.keys(require.cache).filter((f) => f.includes('/node_modules/'));
  writeFileSync(process.env.LOADED_PACKAGES_FILE, JSON.stringify(files));
});
