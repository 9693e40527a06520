import { Redis } from 'ioredis';

/**
 * The Redis connection shared by the rate limits and the service-call nonces (REDIS_URL).
 * Commands fail at once while it is down instead of queueing: a caller decides what that means
 * (the rate limits let requests through, a nonce check refuses the call).
 */
export async function openRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 5_000,
  });
  // Without a listener an error event would crash the process; ioredis reconnects by itself.
  redis.on('error', () => {});
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    const where = new URL(url);
    where.password = '';
    throw new Error(
      `REDIS_URL: cannot connect to ${where.host} (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  return redis;
}
