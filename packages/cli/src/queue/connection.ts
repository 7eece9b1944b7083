import { SpikedistillError } from '@spikedistill/core';
import type { RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';

/** The one BullMQ queue ablation variants go through (separate grids by Redis database: `redis://host:port/<db>`). */
export const QUEUE_NAME = 'spikedistill-variants';

/** The URL without its password, for messages. */
export function displayUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/**
 * BullMQ connection options for a `redis://host:port/db` URL. Commands wait
 * while Redis is away (`maxRetriesPerRequest: null`) and the client keeps
 * reconnecting, at most 5 s apart: a worker or coordinator outlives a Redis
 * restart instead of crashing.
 */
export function redisConnection(url: string): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badUrl(url);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw badUrl(url);
  return {
    url,
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(500 * times, 5000),
  };
}

const badUrl = (url: string) =>
  new SpikedistillError(
    'E_BAD_OPTIONS',
    `--queue ${url}: not a Redis URL; expected redis://host:port/db (or rediss:// for TLS), e.g. redis://127.0.0.1:6379/0`,
  );

/**
 * Fails fast, with a message, when nothing answers at `url`: a coordinator
 * started with a wrong URL should say so, not wait forever.
 */
export async function checkReachable(url: string, timeoutMs = 5000): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {}); // the rejected connect() says what went wrong
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new SpikedistillError(
      'E_QUEUE',
      `cannot reach Redis at ${displayUrl(url)} (${(err as Error).message}). Start one (e.g. \`redis-server --port 6379\`, Debian package redis-server) or fix --queue.`,
    );
  } finally {
    client.disconnect();
  }
}
