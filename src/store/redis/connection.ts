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
  await redis.connect();
  return redis;
}
