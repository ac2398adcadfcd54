// Container health probe (Dockerfile HEALTHCHECK): exits 0 when healthy, 1 otherwise.
//   HEALTHCHECK_ROLE=api (default)  GET http://127.0.0.1:$PORT/api/health/live
//   HEALTHCHECK_ROLE=worker         GET http://127.0.0.1:$WORKER_METRICS_PORT/health
//                                   (PostgreSQL, Redis and the outbox relay; see apps/worker/src/main.ts)
const role = process.env.HEALTHCHECK_ROLE ?? 'api';
const url =
  role === 'worker'
    ? `http://127.0.0.1:${process.env.WORKER_METRICS_PORT ?? 9465}/health`
    : `http://127.0.0.1:${process.env.PORT ?? 3000}/api/health/live`;
fetch(url, { signal: AbortSignal.timeout(4000) }).then(
  (r) => process.exit(r.ok ? 0 : 1),
  () => process.exit(1),
);
