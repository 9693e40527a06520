import pg from 'pg';
import type { Logger } from 'pino';

export interface ListenOptions {
  url: string;
  channel: string;
  onNotify: () => void;
  logger?: Pick<Logger, 'warn' | 'info'> | undefined;
  /** First delay before reconnecting; doubles up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
}

/**
 * LISTEN on a connection of its own that comes back by itself: when the connection drops (a
 * restart, a failover, pg_terminate_backend), it reconnects with capped backoff, LISTENs again,
 * and calls `onNotify` once, since notifications sent meanwhile were lost. Resolves, once the
 * first LISTEN is in place, to a function that stops for good.
 */
export async function listenWithReconnect(options: ListenOptions): Promise<() => Promise<void>> {
  const { url, channel, onNotify, logger } = options;
  const firstRetry = options.retryMs ?? 250;
  const maxRetry = options.maxRetryMs ?? 5000;
  let stopped = false;
  let client: pg.Client | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let delay = firstRetry;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    let lost = false;
    const onLost = (err?: Error) => {
      if (lost) return;
      lost = true;
      if (client === next) client = undefined;
      if (stopped) return;
      logger?.warn({ err, channel }, 'LISTEN connection lost; reconnecting');
      scheduleReconnect();
    };
    next.on('notification', () => onNotify());
    next.on('error', (err) => onLost(err));
    next.on('end', () => onLost());
    try {
      await next.connect();
      await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (err) {
      lost = true;
      await next.end().catch(() => {});
      throw err;
    }
    if (stopped) {
      await next.end().catch(() => {});
      return;
    }
    client = next;
  };

  const scheduleReconnect = () => {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(async () => {
      if (stopped) return;
      try {
        await connect();
        delay = firstRetry;
        logger?.info({ channel }, 'LISTEN connection re-established');
        onNotify();
      } catch (err) {
        delay = Math.min(delay * 2, maxRetry);
        logger?.warn({ err, channel, retryInMs: delay }, 'LISTEN reconnect failed');
        scheduleReconnect();
      }
    }, delay);
  };

  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retryTimer);
    await client?.end().catch(() => {});
  };
}
