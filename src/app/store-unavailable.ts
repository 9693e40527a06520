/**
 * The database cannot be reached right now (a dropped connection, a restart, a failover). Store
 * adapters throw it instead of the driver's error, so that callers can answer "retry shortly"
 * (HTTP 503 STORE_UNAVAILABLE) rather than report a bug. The driver's error is the `cause`.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';

  constructor(cause: unknown) {
    super(
      `The database is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}
