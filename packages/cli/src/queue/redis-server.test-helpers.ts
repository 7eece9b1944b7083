import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Queue } from 'bullmq';
import { afterAll, beforeAll } from 'vitest';
import { QUEUE_NAME, redisConnection } from './connection.js';
import type { VariantQueue } from './enqueue.js';

/**
 * A real, throwaway Redis (Debian's `redis-server`) for the queue tests, on
 * a free loopback port, without persistence. Tests that need it skip, with a
 * warning, when it is not installed; where SPIKEDISTILL_REQUIRE_REDIS is set
 * (`.ci/run` installs it and sets it) its absence fails them instead.
 */
export const haveRedis = spawnSync('redis-server', ['--version']).status === 0;
if (!haveRedis) {
  if (process.env.SPIKEDISTILL_REQUIRE_REDIS) {
    throw new Error(
      'redis-server is not installed, and SPIKEDISTILL_REQUIRE_REDIS is set: the queue tests need it (apt-get install -y redis-server)',
    );
  }
  console.warn(
    'warning: redis-server is not installed: the queue tests against Redis are SKIPPED (apt-get install -y redis-server)',
  );
}

export interface TestRedis {
  url: string;
  port: number;
  /** Stops it (SIGTERM) and waits for it to exit; its data is gone. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

function launch(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('Ready to accept connections')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${text}`)));
  });
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  let child = await launch(port);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  };
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    stop,
    async restart() {
      await stop();
      child = await launch(port);
    },
  };
}

/**
 * A throwaway Redis and a queue on it for one describe block: started in
 * its beforeAll, closed and stopped in its afterAll. Read the fields inside
 * tests (they are set once the block starts).
 */
export function useRedisQueue(): { queue: VariantQueue; url: string } {
  const env = {} as { queue: VariantQueue; url: string };
  let redis: TestRedis | undefined;
  beforeAll(async () => {
    redis = await startRedis();
    env.url = redis.url;
    env.queue = new Queue(QUEUE_NAME, { connection: redisConnection(redis.url) });
  });
  afterAll(async () => {
    await env.queue?.close();
    await redis?.stop();
  });
  return env;
}
