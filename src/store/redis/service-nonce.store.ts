import type { Redis } from 'ioredis';
import type { ServiceNonceStore } from '../../app/service-signature.ts';

/**
 * Claims a nonce unless a live claim holds it. The expiry is kept as the value and compared with
 * the caller's clock, as the database store does; Redis's own expiry only cleans up.
 */
const CLAIM = `
local held = redis.call('GET', KEYS[1])
if held and tonumber(held) > tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1
`;

/** Service-call nonces in Redis (REDIS_URL), shared by every instance; one atomic script a claim. */
export function createRedisServiceNonceStore(
  redis: Redis,
  prefix = 'ordersession:service-nonce:',
): ServiceNonceStore {
  return {
    async claim(nonce, _serviceName, expiresAt, now) {
      const ttlMs = Math.max(1, expiresAt.getTime() - now.getTime());
      const claimed = await redis.eval(
        CLAIM,
        1,
        `${prefix}${nonce}`,
        expiresAt.getTime(),
        now.getTime(),
        ttlMs,
      );
      return claimed === 1;
    },
  };
}
