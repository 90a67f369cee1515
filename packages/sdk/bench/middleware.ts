/**
 * `pnpm bench` (packages/sdk): a `node:http` server answering a small JSON document, with the SDK's
 * middleware (warm cache, every request reported to the real portal's /v1/usage) and without it,
 * under the same load from autocannon. Prints the throughput ratio beside its target (issue 9:
 * ≥ 0.9×), and, to tell the costs apart, the middleware with usage reports off.
 *
 * Three processes share the machine: this one (the load generator), the servers (bench/servers.ts)
 * and the built portal. On 2 cores only the ratio within one run means anything; the variants are
 * measured in alternating rounds, so a drift in the machine's speed falls on all alike. The portal
 * runs on the same cores here: while the middleware's reports arrive, it takes CPU that the bare
 * server's runs do not have to share, which a portal on its own machine would not take.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';
import { createKey, createOwner, SERVICE_TOKEN, startPortal } from '../test/support/portal';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const TARGET = 0.9;

type Variant = 'bare' | 'sdk' | 'sdkNoReports';
const VARIANTS: Variant[] = ['bare', 'sdk', 'sdkNoReports'];

async function load(url: string, key: string): Promise<number> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { authorization: `Bearer ${key}` },
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`bench requests failed: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

async function main() {
  const portal = await startPortal({ LOG_LEVEL: 'error' });
  const owner = await createOwner(portal.url);
  const key = await createKey(portal.url, owner);
  const child = fork(path.join(__dirname, 'servers.js'), {
    env: { ...process.env, PORTAL_URL: portal.url, SERVICE_TOKEN },
  });
  const message = <T>(field: string) =>
    new Promise<T>((resolve) => {
      const on = (m: Record<string, unknown>) => {
        if (!(field in m)) return;
        child.off('message', on);
        resolve(m[field] as T);
      };
      child.on('message', on);
    });
  const urls = await message<Record<Variant, string>>('urls');

  try {
    // Warm every variant (JIT, keep-alive, the SDK's cache), unmeasured.
    for (const variant of VARIANTS) await load(urls[variant], key.secret);

    const rounds: Record<Variant, number>[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // Rotate the order, so no variant always runs right after the same other one.
      const order = VARIANTS.map((_, j) => VARIANTS[(i + j) % VARIANTS.length]!);
      const round = {} as Record<Variant, number>;
      for (const variant of order) round[variant] = await load(urls[variant], key.secret);
      rounds.push(round);
    }
    const total = (v: Variant) => rounds.reduce((s, r) => s + r[v], 0);
    const ratio = total('sdk') / total('bare');
    const ratioNoReports = total('sdkNoReports') / total('bare');

    child.send('stop');
    const stats = await message<{
      portalRequests: number;
      localAnswers: number;
      usage: { accepted: number; dropped: number; buffered: number };
    }>('stats');

    for (const [i, r] of rounds.entries())
      console.log(
        `round ${i + 1}: bare ${Math.round(r.bare)} req/s, middleware ${Math.round(r.sdk)} req/s, middleware without reports ${Math.round(r.sdkNoReports)} req/s`,
      );
    console.log(
      `http server with the SDK middleware (warm cache) vs without: ${ratio.toFixed(2)}× (target ≥ ${TARGET}×) ${ratio >= TARGET ? 'PASS' : 'MISS'}`,
    );
    console.log(
      `  the same without usage reports (the key check alone): ${ratioNoReports.toFixed(2)}×`,
    );
    console.log(
      `  verifies that reached the portal: ${stats.portalRequests}; answered in process: ${stats.localAnswers}; usage events accepted by the portal: ${stats.usage.accepted}, dropped: ${stats.usage.dropped}, left: ${stats.usage.buffered}`,
    );
    console.log(
      JSON.stringify({
        figure: 'sdk middleware (warm cache) vs bare node:http',
        ratio: Number(ratio.toFixed(3)),
        target: TARGET,
        pass: ratio >= TARGET,
        ratioWithoutUsageReports: Number(ratioNoReports.toFixed(3)),
        rounds,
        connections: CONNECTIONS,
        secondsPerRun: SECONDS,
      }),
    );
  } finally {
    if (child.connected) child.kill();
    await portal.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
