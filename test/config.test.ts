import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('configuration', () => {
  it('serves the embedded store on port 3006 with demo data when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3006,
      host: '127.0.0.1',
      databaseUrl: undefined,
      dataDir: './data',
      defaultTenantId: 'demo',
      sessionTtlMinutes: 30,
      seedDemo: true,
      paymentMethods: ['sandbox'],
    });
  });

  it('switches to PostgreSQL, without demo data, when DATABASE_URL is set', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@localhost/db' });
    expect(config.databaseUrl).toBe('postgres://u@localhost/db');
    expect(config.seedDemo).toBe(false);
    expect(
      loadConfig({ DATABASE_URL: 'postgres://u@localhost/db', SEED_DEMO: 'true' }).seedDemo,
    ).toBe(true);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).port).toBe(3006);
  });

  it('names every bad value and why', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        SESSION_TTL_MINUTES: '0',
        GATEWAY_KEY: 'short',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PORT: must be a whole number.*"eighty"/);
    expect(problems).toMatch(/DATABASE_URL: must be a postgres/);
    expect(problems).toMatch(/SESSION_TTL_MINUTES: must be at least 1/);
    expect(problems).toMatch(/GATEWAY_KEY: must be at least 16 characters/);
  });

  it('parses a list of payment methods', () => {
    expect(loadConfig({ PAYMENT_METHODS: 'sandbox, card' }).paymentMethods).toEqual([
      'sandbox',
      'card',
    ]);
    expect(() => loadConfig({ PAYMENT_METHODS: 'Card!' })).toThrow(ConfigError);
  });
});
