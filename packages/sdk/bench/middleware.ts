/**
 * `pnpm bench` (packages/sdk): a `node:http` server answering a small JSON document, with the SDK's
 * middleware (warm cache, every request reported to the real portal's /v1/usage) and without it,
 * under the same load from autocannon. Prints the throughput ratio beside its target (issue 9:
 * ≥ 0.9×), and, to tell the costs apart, the middleware with usage reports off.
 *
 * Three processes share the machine: this one (the load generator), the servers (bench/servers.ts)
 * and the built portal. On 2 cores only the ratio within one run means anything: the variants are
 * measured in short alternating rounds (the order rotates each round) and the figure is the median
 * of the per-round ratios, as figure 4 of `pnpm bench:gateway` computes it. The CPU time each
 * process spent per request (from /proc, all rounds) is printed too: it hardly depends on what else
 * the cores run, so it is the steadier reading on a shared machine. The portal runs on the same
 * cores here: while the middleware's reports arrive, it takes CPU that the bare server's runs do
 * not have to share, which a portal on its own machine would not take.
 *
 * Knobs: BENCH_ROUNDS (8), BENCH_SECONDS (2), BENCH_CONNECTIONS (32), BENCH_ONLY=bare,sdk,… (only
 * those variants), BENCH_PROFILE=1 (the servers' process under `node --cpu-prof`; the profile is
 * written to dist-bench/profiles/ when it exits), BENCH_CONTROLS=1 (two more variants that
 * calibrate the machine, see bench/servers.ts: a second bare server, and a bare server doing 1 µs
 * of work per request; naming either in BENCH_ONLY turns them on too).
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { createKey, createOwner, SERVICE_TOKEN, startPortal } from '../test/support/portal';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ONLY = new Set((process.env.BENCH_ONLY ?? '').split(',').filter(Boolean));
const PROFILE = Boolean(process.env.BENCH_PROFILE);
const PROFILE_DIR = path.resolve(__dirname, '..', 'profiles');
const TARGET = 0.9;

type Variant = 'bare' | 'sdk' | 'sdkNoReports' | 'bareAgain' | 'spin1us';
const CONTROLS: Variant[] = ['bareAgain', 'spin1us'];
const WITH_CONTROLS = Boolean(process.env.BENCH_CONTROLS) || CONTROLS.some((v) => ONLY.has(v));
const VARIANTS = (
  ['bare', 'sdk', 'sdkNoReports', ...(WITH_CONTROLS ? CONTROLS : [])] as Variant[]
).filter((v) => ONLY.size === 0 || ONLY.has(v));

async function load(url: string, key: string): Promise<number> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { authorization: `Bearer ${key}` },
  });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0)
    throw new Error(
      `bench requests failed: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  return result.requests.total;
}

/** CPU time a process has used so far, in ms (utime + stime from /proc, 10 ms clock ticks). */
function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function main() {
  const portal = await startPortal({ LOG_LEVEL: 'error' });
  const owner = await createOwner(portal.url);
  const key = await createKey(portal.url, owner);
  const child = fork(path.join(__dirname, 'servers.js'), {
    env: {
      ...process.env,
      PORTAL_URL: portal.url,
      SERVICE_TOKEN,
      ...(WITH_CONTROLS ? { BENCH_CONTROLS: '1' } : {}),
    },
    execArgv: PROFILE
      ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, '--cpu-prof-name=servers.cpuprofile']
      : [],
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
  const processes = { servers: child.pid!, portal: portal.pid, loadGenerator: process.pid };
  type Meter = keyof typeof processes;

  try {
    // Warm every variant (JIT, keep-alive, the SDK's cache), unmeasured.
    let warmUp = 0;
    for (const variant of VARIANTS) warmUp += await load(urls[variant], key.secret);

    const rounds: Record<Variant, number>[] = [];
    const requests = {} as Record<Variant, number>;
    const cpu = {} as Record<Variant, Record<Meter, number>>;
    for (let i = 0; i < ROUNDS; i++) {
      // Rotate the order, so no variant always runs right after the same other one.
      const order = VARIANTS.map((_, j) => VARIANTS[(i + j) % VARIANTS.length]!);
      const round = {} as Record<Variant, number>;
      for (const variant of order) {
        const meters = Object.keys(processes) as Meter[];
        const before = meters.map((m) => cpuMs(processes[m]));
        const total = await load(urls[variant], key.secret);
        const after = meters.map((m) => cpuMs(processes[m]));
        round[variant] = total / SECONDS;
        requests[variant] = (requests[variant] ?? 0) + total;
        cpu[variant] ??= { servers: 0, portal: 0, loadGenerator: 0 };
        meters.forEach((m, k) => (cpu[variant][m] += after[k]! - before[k]!));
      }
      rounds.push(round);
      console.log(
        `round ${i + 1}: ${order.map((v) => `${v} ${Math.round(round[v])} req/s`).join(', ')}`,
      );
    }
    /** CPU µs per request of each process (all rounds). */
    const cpuPerRequest = (v: Variant) =>
      Object.fromEntries(
        Object.entries(cpu[v]).map(([m, ms]) => [m, Math.round((ms * 1000) / requests[v])]),
      ) as Record<Meter, number>;
    const ratioOf = (a: Variant, b: Variant) =>
      VARIANTS.includes(a) && VARIANTS.includes(b)
        ? median(rounds.map((r) => r[a] / r[b]))
        : undefined;
    const ratio = ratioOf('sdk', 'bare');
    const ratioNoReports = ratioOf('sdkNoReports', 'bare');
    const noiseFloor = ratioOf('bareAgain', 'bare');
    const spinRatio = ratioOf('spin1us', 'bare');

    child.send('stop');
    const stats = await message<{
      portalRequests: number;
      localAnswers: number;
      usage: { accepted: number; dropped: number; buffered: number };
    }>('stats');

    console.log('CPU µs per request, by process (all rounds):');
    for (const v of VARIANTS)
      console.log(
        `  ${v}: ${Object.entries(cpuPerRequest(v))
          .map(([m, us]) => `${m} ${us}`)
          .join(', ')}`,
      );
    if (ratio !== undefined)
      console.log(
        `http server with the SDK middleware (warm cache) vs without: ${ratio.toFixed(2)}× (median of ${ROUNDS} rounds; target ≥ ${TARGET}×) ${ratio >= TARGET ? 'PASS' : 'MISS'}`,
      );
    if (ratioNoReports !== undefined)
      console.log(
        `  the same without usage reports (the key check alone): ${ratioNoReports.toFixed(2)}×`,
      );
    if (noiseFloor !== undefined)
      console.log(
        `  control: a second bare server vs the first (two identical servers; how far from 1× a ratio reads here): ${noiseFloor.toFixed(2)}×`,
      );
    if (spinRatio !== undefined)
      console.log(
        `  control: a bare server doing 1 µs of work per request (a busy wait) vs bare: ${spinRatio.toFixed(2)}×`,
      );
    console.log(
      `  verifies that reached the portal: ${stats.portalRequests}; answered in process: ${stats.localAnswers}; usage events accepted by the portal: ${stats.usage.accepted}, dropped: ${stats.usage.dropped}, left: ${stats.usage.buffered}`,
    );
    if (PROFILE)
      console.log(
        `  profile: ${path.join(PROFILE_DIR, 'servers.cpuprofile')}, of ${warmUp + VARIANTS.reduce((n, v) => n + requests[v], 0)} requests (warm-up included)`,
      );
    console.log(
      JSON.stringify({
        figure: 'sdk middleware (warm cache) vs bare node:http',
        ratio: ratio === undefined ? null : Number(ratio.toFixed(3)),
        target: TARGET,
        pass: ratio === undefined ? null : ratio >= TARGET,
        ratioWithoutUsageReports:
          ratioNoReports === undefined ? null : Number(ratioNoReports.toFixed(3)),
        controls: WITH_CONTROLS
          ? {
              secondBareVsBare: noiseFloor === undefined ? null : Number(noiseFloor.toFixed(3)),
              bareWithOneMicrosecondOfWorkVsBare:
                spinRatio === undefined ? null : Number(spinRatio.toFixed(3)),
            }
          : null,
        cpuMicrosecondsPerRequest: Object.fromEntries(VARIANTS.map((v) => [v, cpuPerRequest(v)])),
        rounds,
        connections: CONNECTIONS,
        secondsPerRun: SECONDS,
      }),
    );
    // The profile is written when the servers' process exits.
    if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
  } finally {
    if (child.exitCode === null) child.kill();
    await portal.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
