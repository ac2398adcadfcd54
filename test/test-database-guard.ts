/** The e2e suites truncate tables: never let them near a database whose name lacks "test". */
export function assertTestDatabase(url: string | undefined): string {
  if (!url) throw new Error('DATABASE_URL is not set: run the suite with `npm test`, which starts PostgreSQL and Redis.');
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!name.toLowerCase().includes('test')) {
    throw new Error(`Refusing to run e2e tests against database "${name}": its name must contain "test".`);
  }
  return url;
}
