/**
 * An open-loop client for "p99 at half of max throughput" (issue 15): one request every 1/rate s,
 * spread evenly. autocannon's overallRate sends each second's budget in a burst, which measures the
 * queue behind the burst, not the server's tail. Latency counts from the planned send time, so a
 * late sender adds to it rather than hiding it.
 *
 * Requests go through node:http on a keep-alive agent: fetch (undici behind Node's global
 * dispatcher) cost the load generator more CPU per request than a cheap answer costs the server,
 * so on two cores the client's own queue showed up as the server's tail.
 */
import { Agent, request } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface PacedRun {
  /** Latencies in ms, sorted ascending. */
  latencies: number[];
  /** Answers that were not 2xx, or failed. */
  bad: number;
  /**
   * The client's own longest event-loop stall (ms): a pause of this process (its GC, say) delays
   * sends and reads and counts as the server's latency, so a run with a long one says little.
   */
  clientStallMs: number;
}

function get(agent: Agent, url: URL): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, method: 'GET' }, (res) => {
      res.resume(); // the body is read and dropped
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export async function paced(base: string, path: (i: number) => string, rate: number, durationS: number): Promise<PacedRun> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const latencies: number[] = [];
  let bad = 0;
  const pending: Promise<void>[] = [];
  const start = performance.now();
  const total = Math.round(rate * durationS);
  try {
    for (let i = 0; i < total; i++) {
      const planned = start + (i * 1000) / rate;
      const wait = planned - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      pending.push(
        get(agent, new URL(path(i), base)).then(
          (status) => {
            if (status < 200 || status > 299) bad++;
            latencies.push(performance.now() - planned);
          },
          () => void bad++,
        ),
      );
    }
    await Promise.all(pending);
  } finally {
    agent.destroy();
    loop.disable();
  }
  return { latencies: latencies.sort((a, b) => a - b), bad, clientStallMs: Math.round(loop.max / 1e6) };
}
