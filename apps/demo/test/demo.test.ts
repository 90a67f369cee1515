import { exec, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * The built demo (dist/demo.js, `pnpm build` first) as a real process on free ports with its own
 * data folder: the printed curl line reaches the Acme API through the gateway with the demo key,
 * the traffic shows in the portal's usage, and every way it ends leaves no process behind.
 */

const DEMO_MAIN = path.join(__dirname, '..', 'dist', 'demo.js');
const run = promisify(exec);

/** A port nothing listens on, with its probe still open so the next call cannot get it too. */
function openProbe(): Promise<Server> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => resolve(probe));
  });
}

interface Demo {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function launch(dataDir: string, ports: Record<string, number>): Demo {
  const child = spawn(process.execPath, [DEMO_MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DEMO_DATA_DIR: dataDir,
      DEMO_PORTAL_PORT: String(ports.portal),
      DEMO_GATEWAY_PORT: String(ports.gateway),
      DEMO_UPSTREAM_PORT: String(ports.upstream),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, output: () => output, exited };
}

/**
 * Three different free ports. All three probes stay open until each has its port: a probe closed
 * before the next opens hands the same port back now and then (CI saw gateway = portal).
 */
async function freePorts() {
  const probes = [await openProbe(), await openProbe(), await openProbe()] as const;
  const portOf = (probe: Server) => (probe.address() as { port: number }).port;
  const ports = {
    portal: portOf(probes[0]),
    gateway: portOf(probes[1]),
    upstream: portOf(probes[2]),
  };
  await Promise.all(probes.map((probe) => new Promise((resolve) => probe.close(resolve))));
  return ports;
}

async function waitFor(demo: Demo, pattern: RegExp, timeoutMs = 90_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(demo.output());
    if (match) return match;
    if (demo.child.exitCode !== null || Date.now() > deadline)
      throw new Error(`the demo never printed ${pattern}:\n${demo.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The banner's parts, as a newcomer reads them. */
async function banner(demo: Demo) {
  await waitFor(demo, /Press Ctrl-C to stop everything/);
  const text = demo.output();
  const grab = (pattern: RegExp) => {
    const match = pattern.exec(text);
    if (!match) throw new Error(`no ${pattern} in:\n${text}`);
    return match;
  };
  const login = grab(/log in as (\S+) with password (\S+)/);
  return {
    portal: grab(/Portal {4}(http:\/\/\S+)/)[1]!,
    gateway: grab(/Gateway {3}(http:\/\/\S+)/)[1]!,
    email: login[1]!,
    password: login[2]!,
    curl: grab(/^ {4}(curl .+)$/m)[1]!,
  };
}

/** The processes whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may hold spaces, so read after its closing parenthesis.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) found.push(Number(entry));
    } catch {
      // The process ended while the list was read.
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Still one of the demo's children (the pid was not reused): the built portal or gateway. */
function isDemoChild(pid: number): boolean {
  try {
    return /dist\/main\.js/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}

async function graphql<T>(url: string, query: string, variables = {}, token?: string) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data: T; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data;
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'pp-demo-'));
const started: Demo[] = [];
/** Every child seen, so that a demo that left one behind does not leave it to the next test. */
const seenChildren = new Set<number>();
const holders: Server[] = [];

afterAll(() => {
  // A failed test must not leave its demo (or the demo's children) running.
  for (const demo of started) {
    for (const pid of demo.child.pid ? childrenOf(demo.child.pid) : []) seenChildren.add(pid);
    if (demo.child.exitCode === null) demo.child.kill('SIGKILL');
  }
  for (const pid of seenChildren) if (isDemoChild(pid)) process.kill(pid, 'SIGKILL');
  for (const server of holders) server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('pnpm demo: the curl line reaches the Acme API through the gateway, usage shows in the portal, Ctrl-C stops everything', async () => {
  const demo = launch(dataDir, await freePorts());
  started.push(demo);
  const printed = await banner(demo);
  const pid = demo.child.pid!;
  const children = childrenOf(pid);
  children.forEach((child) => seenChildren.add(child));
  expect(children).toHaveLength(2); // the portal and the gateway

  // The keys' secrets are kept for the next run, readable by their owner only.
  const stateFile = path.join(dataDir, 'demo-state.json');
  expect(statSync(stateFile).mode & 0o777).toBe(0o600);
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as {
    keys: { production: { id: string; secret: string } };
  };
  expect(printed.curl).toContain(state.keys.production.secret);
  expect(printed.curl).toContain(printed.gateway);

  // The printed curl line, as a newcomer would paste it: the answer is the Acme API's, and it saw
  // the partner the gateway vouched for.
  const { stdout } = await run(printed.curl);
  const answer = JSON.parse(stdout) as {
    data: { id: string }[];
    environment: string;
    partner: { keyId: string; environment: string };
  };
  expect(answer.data.map((p) => p.id)).toContain('anvil');
  expect(answer.environment).toBe('production');
  expect(answer.partner).toMatchObject({
    keyId: state.keys.production.id,
    environment: 'PRODUCTION',
  });

  // The portal shows the traffic: as the demo user, the team's usage counts requests.
  const { logIn } = await graphql<{ logIn: { token: string } }>(
    printed.portal,
    'mutation ($input: LogInInput!) { logIn(input: $input) { token } }',
    { input: { email: printed.email, password: printed.password } },
  );
  const { viewer } = await graphql<{ viewer: { memberships: { team: { id: string } }[] } }>(
    printed.portal,
    '{ viewer { memberships { team { id } } } }',
    {},
    logIn.token,
  );
  const teamId = viewer.memberships[0]!.team.id;
  const usageQuery = `query ($id: ID!, $from: DateTime!, $to: DateTime!) {
    team(id: $id) { usage(from: $from, to: $to, interval: MINUTE) { totalRequests statusCodes { status count } } } }`;
  let total = 0;
  let statuses: number[] = [];
  for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
    const { team } = await graphql<{
      team: { usage: { totalRequests: number; statusCodes: { status: number }[] } };
    }>(
      printed.portal,
      usageQuery,
      {
        id: teamId,
        from: new Date(Date.now() - 10 * 60_000).toISOString(),
        to: new Date(Date.now() + 60_000).toISOString(),
      },
      logIn.token,
    );
    total = team.usage.totalRequests;
    statuses = team.usage.statusCodes.map((s) => s.status);
    if (total > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  expect(total).toBeGreaterThan(0);
  expect(statuses).toContain(200);

  demo.child.kill('SIGINT');
  expect(await demo.exited).toBe(0);
  for (const child of children) expect(alive(child)).toBe(false);
  expect(demo.output()).toMatch(/gateway stopped \(exit code 0\)/);
  expect(demo.output()).toMatch(/portal stopped \(exit code 0\)/);
});

test('a re-run reuses the account and keys; a child that dies is named and the rest are stopped', async () => {
  const first = JSON.parse(readFileSync(path.join(dataDir, 'demo-state.json'), 'utf8')) as {
    keys: { production: { secret: string } };
  };
  const demo = launch(dataDir, await freePorts());
  started.push(demo);
  const printed = await banner(demo);
  expect(demo.output()).toMatch(/Account reused, team "[^"]+"; keys reused\./);
  expect(printed.curl).toContain(first.keys.production.secret);

  const gatewayPid = Number((await waitFor(demo, /Starting the gateway \(pid (\d+)\)/))[1]);
  const children = childrenOf(demo.child.pid!);
  children.forEach((child) => seenChildren.add(child));
  expect(children).toContain(gatewayPid);
  process.kill(gatewayPid, 'SIGKILL');

  expect(await demo.exited).toBe(1);
  expect(demo.output()).toContain(
    `The gateway (pid ${gatewayPid}) stopped unexpectedly (signal SIGKILL); stopping the rest.`,
  );
  expect(demo.output()).toMatch(/portal stopped \(exit code 0\)/);
  for (const child of children) expect(alive(child)).toBe(false);
});

test('a taken port is named with the variable that moves it, before anything starts', async () => {
  const ports = await freePorts();
  const holder = createServer();
  holders.push(holder);
  await new Promise<void>((resolve) => holder.listen(ports.gateway, '127.0.0.1', resolve));
  const demo = launch(dataDir, ports);
  started.push(demo);
  expect(await demo.exited).toBe(1);
  expect(demo.output()).toContain(
    `Port ${ports.gateway} (the gateway) is already in use: stop what listens there, or pick another port, e.g. DEMO_GATEWAY_PORT=${ports.gateway + 1} pnpm demo`,
  );
  expect(demo.output()).not.toContain('Starting the portal');
});
