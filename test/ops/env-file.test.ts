import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyEnvFile } from '../../src/env-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'ordersession-env-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('.env at start', () => {
  it('fills what the environment does not set, and the environment wins', () => {
    const path = join(dir, '.env');
    writeFileSync(path, '# a comment\nPORT=4199\nLOG_LEVEL=debug\nexport HOST="0.0.0.0"\n');
    const env: NodeJS.ProcessEnv = { LOG_LEVEL: 'warn' };
    expect(applyEnvFile(path, env).sort()).toEqual(['HOST', 'PORT']);
    expect(env).toEqual({ LOG_LEVEL: 'warn', PORT: '4199', HOST: '0.0.0.0' });
  });

  it('is optional', () => {
    const env: NodeJS.ProcessEnv = {};
    expect(applyEnvFile(join(dir, 'missing.env'), env)).toEqual([]);
    expect(env).toEqual({});
  });
});
