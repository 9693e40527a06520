import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_MESSAGES, type ErrorCode } from '../src/domain/errors.ts';
import { HTTP_STATUS } from '../src/http/error-status.ts';

const readme = readFileSync(join(import.meta.dirname, '../README.md'), 'utf8');

/** Rows of the README's error table: `| `CODE` | status | meaning |`. */
function documentedErrors(): Map<string, number> {
  const rows = new Map<string, number>();
  for (const match of readme.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)) {
    rows.set(match[1] ?? '', Number(match[2]));
  }
  return rows;
}

describe('error registry', () => {
  const codes = Object.keys(ERROR_MESSAGES) as ErrorCode[];

  it('lists every code in the README with its HTTP status', () => {
    const documented = documentedErrors();
    for (const code of codes) {
      expect(documented.get(code), `README error table row for ${code}`).toBe(HTTP_STATUS[code]);
    }
  });

  it('documents no code that does not exist', () => {
    for (const code of documentedErrors().keys()) {
      expect(codes).toContain(code);
    }
  });

  it('maps every code to an error status and a message', () => {
    for (const code of codes) {
      expect(HTTP_STATUS[code]).toBeGreaterThanOrEqual(400);
      expect(HTTP_STATUS[code]).toBeLessThan(600);
      expect(ERROR_MESSAGES[code].length).toBeGreaterThan(0);
    }
  });
});
