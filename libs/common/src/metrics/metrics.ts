import { createServer, Server } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus metrics (prom-client). One registry per process; the API and the worker
 * each serve it on their own internal port (METRICS_PORT, bound to METRICS_HOST), never on the
 * public API port.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

export const httpDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request latency by method, route pattern and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

export const redisFallbacks = new Counter({
  name: 'redis_fallback_total',
  help: 'Redis calls on the request path that failed or timed out and fell back (by use)',
  labelNames: ['use'] as const,
  registers: [metricsRegistry],
});

export const auditWriteDuration = new Histogram({
  name: 'audit_log_write_seconds',
  help: 'Time to append one audit-log entry (inside its transaction)',
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  registers: [metricsRegistry],
});

export const prunedRows = new Counter({
  name: 'pruned_total',
  help: 'Rows or files removed by the retention sweeps, by kind',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});

/** Gauges whose values are read when scraped; collectors are registered by the modules that own the data. */
export const queueJobs = new Gauge({
  name: 'queue_jobs',
  help: 'Jobs per queue and state (waiting, active, delayed, failed, completed)',
  labelNames: ['queue', 'state'] as const,
  registers: [metricsRegistry],
});
export const outboxPending = new Gauge({
  name: 'outbox_pending',
  help: 'Outbox rows not yet relayed to the queue',
  registers: [metricsRegistry],
});
export const outboxLag = new Gauge({
  name: 'outbox_lag_seconds',
  help: 'Age of the oldest outbox row not yet relayed (0 when none)',
  registers: [metricsRegistry],
});
export const dbPool = new Gauge({
  name: 'db_pool_connections',
  help: 'PostgreSQL pool connections by state (total, idle, waiting)',
  labelNames: ['state'] as const,
  registers: [metricsRegistry],
});

type Collector = () => Promise<void>;
const collectors: Collector[] = [];

/** Adds work to do (with a time bound) before each scrape, e.g. reading queue depths. */
export function onScrape(collector: Collector): void {
  collectors.push(collector);
}

export async function renderMetrics(): Promise<string> {
  await Promise.all(
    collectors.map((c) => Promise.race([c().catch(() => undefined), new Promise<void>((r) => setTimeout(r, 1500).unref())])),
  );
  return metricsRegistry.metrics();
}

/**
 * A tiny internal HTTP server: GET /metrics (Prometheus text) and GET /health (the `health`
 * callback's verdict: 200 or 503 with a JSON body). Returns null when port is 0 (disabled).
 */
export function startInternalServer(
  port: number,
  host: string,
  health: () => Promise<{ ok: boolean; details: Record<string, unknown> }>,
): Promise<Server | null> {
  if (!port && port !== -1) return Promise.resolve(null);
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const answer = async () => {
      if (req.method === 'GET' && path === '/metrics') {
        res.writeHead(200, { 'content-type': metricsRegistry.contentType });
        res.end(await renderMetrics());
      } else if (req.method === 'GET' && path === '/health') {
        const verdict = await health();
        res.writeHead(verdict.ok ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: verdict.ok ? 'ok' : 'error', ...verdict.details }));
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
      }
    };
    answer().catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
  // port -1: any free port (tests)
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port === -1 ? 0 : port, host, () => resolve(server));
  });
}
