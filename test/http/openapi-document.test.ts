import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../scripts/openapi-document.ts';
import type { OpenApiDocument, Operation } from '../../src/http/openapi-finish.ts';
import { openSnapshotStore } from '../support/stores.ts';

const ROOT = resolve(import.meta.dirname, '../..');

interface LintProblem {
  ruleId: string;
  severity: string;
  message: string;
  location: { pointer: string }[];
}

/** `redocly lint` (the recommended rules, redocly.yaml) on `doc`, offline. */
async function redoclyLint(doc: OpenApiDocument): Promise<LintProblem[]> {
  const dir = mkdtempSync(join(tmpdir(), 'openapi-lint-'));
  try {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const cli = join(ROOT, 'node_modules/@redocly/cli/bin/cli.js');
    const args = [cli, 'lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format=json'];
    const env = {
      ...process.env,
      REDOCLY_TELEMETRY: 'off',
      REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
      NO_UPDATE_NOTIFIER: '1',
    };
    // Exit code 1 means problems were found: the report is on stdout either way.
    const { stdout } = await promisify(execFile)(process.execPath, args, {
      env,
      maxBuffer: 64 * 1024 * 1024,
    }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
    return (JSON.parse(stdout) as { problems: LintProblem[] }).problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function operationsOf(doc: OpenApiDocument): [string, string, Operation][] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => [path, method, op] as [string, string, Operation]),
  );
}

describe('the API document', () => {
  let doc: OpenApiDocument;
  let ours: [string, string, Operation][];
  beforeAll(async () => {
    doc = await buildOpenApiDocument(await openSnapshotStore());
    ours = operationsOf(doc);
  });

  it('passes redocly lint with the recommended rules: no error, no warning', async () => {
    const problems = await redoclyLint(doc);
    expect(
      problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`),
    ).toEqual([]);
  });

  it('names every operation with a verb-first camelCase id, tagged with a described tag', () => {
    const described = new Set(
      ((doc.tags ?? []) as { name: string; description?: string }[])
        .filter((tag) => tag.description)
        .map((tag) => tag.name),
    );
    const verbs =
      /^(get|list|create|place|begin|add|remove|set|put|update|change|cancel|submit|retry|request|receive|revoke|delete|link|unlink|run|search|archive)[A-Z]/;
    for (const [path, method, op] of ours) {
      expect(op.operationId, `${method} ${path}`).toMatch(verbs);
      for (const tag of (op.tags ?? []) as string[]) expect(described, tag).toContain(tag);
    }
  });

  it('has an example for every request body and every answer', () => {
    const missing: string[] = [];
    for (const [path, method, op] of ours) {
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
        if (media.example === undefined) missing.push(`${method} ${path} request ${type}`);
      }
      for (const [status, response] of Object.entries(op.responses)) {
        if ('$ref' in response) continue;
        for (const [type, media] of Object.entries(response.content ?? {})) {
          if (media.example === undefined) missing.push(`${method} ${path} ${status} ${type}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('declares every header the /api routes read, and the ones they answer with', () => {
    const schemes = doc.components.securitySchemes as Record<string, { name?: string }>;
    expect(Object.values(schemes).map((scheme) => scheme.name)).toEqual(
      expect.arrayContaining([
        'x-gateway-key',
        'x-user-id',
        'x-user-role',
        'x-tenant-id',
        'x-service-name',
        'x-service-nonce',
        'x-service-auth',
      ]),
    );
    const unsafe = ours.filter(
      ([path, method]) => path.startsWith('/api/') && method !== 'get' && !path.includes('webhook'),
    );
    for (const [path, method, op] of unsafe) {
      const headers = (op.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name);
      expect(headers, `${method} ${path}`).toContain('idempotency-key');
      const created = op.responses['201'] ?? op.responses['200'];
      expect(JSON.stringify(created), `${method} ${path}`).toContain('idempotent-replayed');
    }
    const webhook = doc.paths['/api/payments/webhook']?.post;
    expect(webhook?.security).toEqual([]);
    expect((webhook?.parameters ?? []).map((p) => p.name).sort()).toEqual([
      'webhook-id',
      'webhook-signature',
      'webhook-timestamp',
    ]);
    const placeOrder = doc.paths['/api/orders']?.post;
    expect(JSON.stringify(placeOrder?.responses['201'])).toContain('x-ratelimit-remaining');
    expect(placeOrder?.responses['429']).toEqual({
      $ref: '#/components/responses/TooManyRequests',
    });
    expect(JSON.stringify(doc.components.responses)).toContain('retry-after');
    for (const [path, method, op] of ours) {
      const answers = JSON.stringify(op.responses['200'] ?? op.responses['201'] ?? {});
      expect(answers, `${method} ${path}`).toContain('x-request-id');
    }
  });

  it('answers 400, 401 and 503 on every /api route, 413 and 415 where a body is read, 403 under /admin', () => {
    for (const [path, method, op] of ours) {
      if (!path.startsWith('/api/') || path.includes('webhook')) continue;
      const statuses = Object.keys(op.responses);
      expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(['400', '401', '503']));
      if (method === 'post' || method === 'put') {
        expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(['413', '415']));
      }
      if (path.startsWith('/api/admin/')) expect(statuses, `${method} ${path}`).toContain('403');
    }
  });

  it('lists the configured payment methods and every error code as enums', () => {
    const schemas = doc.components.schemas ?? {};
    expect(schemas.PaymentMethodInput?.enum ?? schemas.PaymentMethod?.enum).toEqual(['sandbox']);
    const error = schemas.Error as { properties: { error: { enum: string[] } } };
    expect(error.properties.error.enum).toContain('INSUFFICIENT_STOCK');
    for (const name of ['Order', 'OrderSession', 'Payment', 'PaymentSession', 'Checkout']) {
      expect(Object.keys(schemas), name).toContain(name);
    }
  });

  it('leaves out the agent protocols, which follow their own published specifications', () => {
    const paths = Object.keys(doc.paths);
    expect(
      paths.filter((path) => /^\/(checkout|mcp|\.well-known|discord|orders\/)/.test(path)),
    ).toEqual([]);
    expect(String((doc.info as { description: string }).description)).toContain('https://ucp.dev');
  });
});
