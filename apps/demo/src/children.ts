import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

/**
 * The demo's child processes (the built portal and gateway, run with `node` as in production):
 * their output prefixed with their name, their health awaited, and a stop that signals once and
 * waits. Each child gets its own process group so that only the demo signals it: a terminal's
 * Ctrl-C reaches the demo, which stops the children in order.
 */
export interface Child {
  name: string;
  pid: number;
  process: ChildProcess;
  /** Resolves once the process has ended: its exit code, or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  running(): boolean;
  /** SIGINT, then SIGKILL after `graceMs`; resolves once it has ended. */
  stop(graceMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startChild(
  name: string,
  main: string,
  env: NodeJS.ProcessEnv,
  output: (line: string) => void,
): Child {
  const child = spawn(process.execPath, [main], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const label = `[${name}]`;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      if (line.trim()) output(`${label} ${line}`);
    });
  }
  let ended = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      ended = true;
      resolve({ code, signal });
    });
    // A spawn that fails (no such file) emits 'error' and never 'exit'.
    child.once('error', () => {
      ended = true;
      resolve({ code: null, signal: null });
    });
  });
  let stopping: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  return {
    name,
    pid: child.pid ?? -1,
    process: child,
    exited,
    running: () => !ended,
    stop(graceMs) {
      stopping ??= (async () => {
        if (!ended) child.kill('SIGINT');
        const timer = setTimeout(() => {
          if (!ended) {
            output(`${label} did not stop within ${graceMs / 1000} s: killing it`);
            child.kill('SIGKILL');
          }
        }, graceMs);
        const result = await exited;
        clearTimeout(timer);
        return result;
      })();
      return stopping;
    },
  };
}

/** Polls `url` until it answers 2xx; rejects when the child ends first or after `timeoutMs`. */
export async function waitForHealth(child: Child, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!child.running()) throw new ChildEnded(child);
    const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`the ${child.name} did not answer ${url} within ${timeoutMs / 1000} s`);
}

export class ChildEnded extends Error {
  constructor(readonly child: Child) {
    super(`the ${child.name} (pid ${child.pid}) stopped`);
  }
}

/**
 * True when nothing listens on the port on the loopback addresses: 127.0.0.1 (where the demo's
 * servers bind) and ::1 (where a browser may try `localhost` first).
 */
export async function portIsFree(port: number): Promise<boolean> {
  const v4 = await canListen(port, '127.0.0.1');
  if (v4 !== 'free') return false;
  return (await canListen(port, '::1')) !== 'taken';
}

function canListen(port: number, host: string): Promise<'free' | 'taken' | 'no-address'> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      // A machine without IPv6 has no ::1: nothing can be listening there.
      resolve(
        error.code === 'EADDRNOTAVAIL' || error.code === 'EAFNOSUPPORT' ? 'no-address' : 'taken',
      ),
    );
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve('free')));
  });
}
