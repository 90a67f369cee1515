import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/bench/spawn';

/**
 * Servers of a fault test's own, on free ports, so that a test can stop and start them without
 * touching the machine's shared MariaDB and Redis.
 */
export interface OwnServer {
  port: number;
  url: string;
  /** Starts (again) on the same port and data; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it (SIGTERM, or SIGKILL with `kill: true`); resolves once it has exited. */
  stop(options?: { kill?: boolean }): Promise<void>;
  /** Stops it for good and removes its data. */
  remove(): Promise<void>;
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing answers on port ${port}`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

function ownServer(
  port: number,
  url: string,
  launch: () => ChildProcess,
  ready: () => Promise<void>,
  cleanup: () => void,
): OwnServer {
  let child: ChildProcess | undefined;
  const stop = async ({ kill = false } = {}) => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill(kill ? 'SIGKILL' : 'SIGTERM');
    await exited;
  };
  return {
    port,
    url,
    async start() {
      if (child) return;
      child = launch();
      let output = '';
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const started = child;
      await Promise.race([
        ready(),
        new Promise((_, reject) =>
          started.once('exit', (code) =>
            reject(new Error(`the server on port ${port} exited (${code}): ${output}`)),
          ),
        ),
      ]);
    },
    stop,
    async remove() {
      await stop({ kill: true });
      cleanup();
    },
  };
}

/** redis-server on a free port, no persistence. */
export async function ownRedis(): Promise<OwnServer> {
  const port = await freePort();
  const server = ownServer(
    port,
    `redis://127.0.0.1:${port}`,
    () =>
      spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      ),
    () => waitForPort(port, 10_000),
    () => undefined,
  );
  await server.start();
  return server;
}

/** A mariadbd of the test's own (about 4 s to install and start), with a `portal` database. */
export async function ownMariaDb(): Promise<OwnServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'pp-mariadb-'));
  const datadir = path.join(dir, 'data');
  const install = spawnSync(
    'mariadb-install-db',
    [
      '--no-defaults',
      `--datadir=${datadir}`,
      '--user=root',
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
    ],
    { encoding: 'utf8' },
  );
  if (install.status !== 0) throw new Error(`mariadb-install-db failed: ${install.stderr}`);
  const server = ownServer(
    port,
    `mysql://root@127.0.0.1:${port}/portal`,
    () =>
      spawn(
        '/usr/sbin/mariadbd',
        [
          '--no-defaults',
          `--datadir=${datadir}`,
          '--user=root',
          `--port=${port}`,
          '--bind-address=127.0.0.1',
          `--socket=${path.join(dir, 'sock')}`,
          `--pid-file=${path.join(dir, 'pid')}`,
          '--skip-name-resolve',
          '--innodb-buffer-pool-size=32M',
          '--performance-schema=OFF',
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      ),
    () => waitForPort(port, 30_000),
    () => rmSync(dir, { recursive: true, force: true }),
  );
  await server.start();
  const created = spawnSync(
    'mariadb',
    [
      '--no-defaults',
      '-uroot',
      '-h127.0.0.1',
      `-P${port}`,
      '-e',
      'CREATE DATABASE IF NOT EXISTS portal',
    ],
    {
      encoding: 'utf8',
    },
  );
  if (created.status !== 0) throw new Error(`could not create the database: ${created.stderr}`);
  return server;
}
