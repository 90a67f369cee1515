import { benchPortal, gql, median, percentile, personWithKey } from './support';

/**
 * How much a key-authenticated request costs against the same request signed in with a session:
 * the same query, sequentially, interleaved one by one so both see the same machine state.
 *   node dist/bench/auth-latency.js [requests per side, default 2000]
 */
async function main(): Promise<void> {
  const perSide = Number(process.argv[2] ?? 2000);
  const bench = await benchPortal();
  const { url } = bench;
  try {
    const { token, teamId, secret } = await personWithKey(url);
    const query = `query($id: ID!) { team(id: $id) { id name } }`;
    const session = { authorization: `Bearer ${token}` };
    const key = { 'x-api-key': secret };
    const time = async (headers: Record<string, string>) => {
      const start = performance.now();
      await gql(url, query, { id: teamId }, headers);
      return performance.now() - start;
    };
    for (let i = 0; i < 200; i++) await time(i % 2 ? session : key); // warm-up
    const sessionMs: number[] = [];
    const keyMs: number[] = [];
    for (let i = 0; i < perSide; i++) {
      sessionMs.push(await time(session));
      keyMs.push(await time(key));
    }
    const row = (label: string, values: number[]) =>
      `${label.padEnd(8)} median ${median(values).toFixed(3)} ms   p90 ${percentile(values, 90).toFixed(3)} ms   p99 ${percentile(values, 99).toFixed(3)} ms`;
    console.log(
      `database: ${process.env.DATABASE_URL ? 'MySQL/MariaDB' : 'SQLite'}, ${perSide} requests each, interleaved, concurrency 1`,
    );
    console.log(row('session', sessionMs));
    console.log(row('API key', keyMs));
    console.log(`key / session median latency: ${(median(keyMs) / median(sessionMs)).toFixed(3)}`);
  } finally {
    await bench.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
