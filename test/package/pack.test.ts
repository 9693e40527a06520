import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Child, childEnv, killChild, ROOT, startChild } from '../ops/process.ts';
import { freePort } from '../support/ports.ts';

/**
 * The package as a user gets it: `npm pack` of the checkout (which builds dist/ through
 * `prepare`), the tarball installed into an empty project with npm, and used with plain node:
 * no tsx, no src/. Slow (a full build and an install), so everything is done once, each step
 * with a time limit.
 */

const STEP_MS = 600_000;
let scratch: string;
let app: string;
let files: string[];
let installLog: string;
let server: Child | undefined;

/** Runs a command to its end; rejects with its output when it fails or outlives `STEP_MS`. */
function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = npmFreeEnv(),
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd, env, timeout: STEP_MS, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err)
          reject(new Error(`${command} ${args.join(' ')}: ${err.message}\n${stdout}\n${stderr}`));
        else resolve({ stdout, stderr });
      },
    );
  });
}

/** Our environment without what `npm test` put in it, as in a user's shell. */
function npmFreeEnv(patch: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('npm_')),
  );
  return { ...env, ...patch };
}

/** A copy of the checkout as git sees it (tracked files and new ones it does not ignore). */
async function copyCheckout(to: string): Promise<void> {
  const { stdout } = await run(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    ROOT,
  );
  // A file deleted in the work tree but still in the index is not part of it.
  for (const path of new Set(stdout.split('\0').filter((p) => p && existsSync(join(ROOT, p))))) {
    mkdirSync(dirname(join(to, path)), { recursive: true });
    cpSync(join(ROOT, path), join(to, path));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(to, 'node_modules'), 'dir');
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'ordersession-pack-'));
  const checkout = join(scratch, 'checkout');
  // Packing a copy builds a dist/ of its own: the work tree's is left to the processes other
  // test files start through bin/ordersession.mjs.
  await copyCheckout(checkout);
  const packed = await run('npm', ['pack', '--json', '--pack-destination', scratch], checkout);
  const report = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[\n'))) as {
    filename: string;
    files: { path: string }[];
  }[];
  const tarball = report[0];
  if (!tarball) throw new Error(`npm pack reported nothing:\n${packed.stdout}`);
  files = tarball.files.map((file) => file.path).sort();

  app = join(scratch, 'app');
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'uses-ordersession', private: true, type: 'module' }),
  );
  const installed = await run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', join(scratch, tarball.filename)],
    app,
  );
  installLog = installed.stdout + installed.stderr;
}, 3 * STEP_MS);

afterAll(async () => {
  await killChild(server);
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('holds the compiled code, its static assets, the command, README, LICENSE and nothing else', () => {
    const outside = files.filter((path) => !path.startsWith('dist/'));
    expect(outside).toEqual([
      'LICENSE',
      'README.md',
      'bin/ordersession.mjs',
      'package.json',
      'web/static/pay.js',
      'web/static/style.css',
    ]);
    for (const entry of ['index', 'discord', 'client/index', 'cli']) {
      expect(files).toContain(`dist/${entry}.js`);
      expect(files).toContain(`dist/${entry}.d.ts`);
    }
    // Every migration made it, compiled.
    const migrations = readdirSync(join(ROOT, 'src/store/sql/migrations')).filter((name) =>
      /^\d{4}_.*\.ts$/.test(name),
    );
    expect(files.filter((path) => path.startsWith('dist/store/sql/migrations/0')).length).toBe(
      2 * migrations.length,
    );
    expect(files.some((path) => /\.tsx?$/.test(path) && !path.endsWith('.d.ts'))).toBe(false);
  });

  it('installs without tsx and without src/', () => {
    expect(() => readFileSync(join(app, 'node_modules/tsx/package.json'))).toThrow();
    expect(() => readFileSync(join(app, 'node_modules/ordersession/src/cli.ts'))).toThrow();
  });

  it('warns on Node 20 only about the packages that our overrides pin back (they do not reach a user)', () => {
    // npm applies `overrides` only in the project that installs: a user on Node 20 gets these
    // dependencies' newest releases, which declare Node 22 and run on 20.19 (the README gives
    // the same overrides to copy). Anything else refusing Node 20 fails here.
    const refusing = new Set(
      [...installLog.matchAll(/EBADENGINE +package: '(@?[^@']+)@/g)].map((match) => match[1]),
    );
    const { overrides } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      overrides: Record<string, string | Record<string, string>>;
    };
    const overridden = new Set(
      Object.entries(overrides).flatMap(([name, value]) =>
        typeof value === 'string' ? [name] : Object.keys(value).filter((key) => key !== '.'),
      ),
    );
    if (process.versions.node.startsWith('20.'))
      expect([...refusing].sort()).toEqual([...overridden].sort());
    else expect([...refusing]).toEqual([]);
  });

  it('imports with plain node: ordersession, ordersession/client and ordersession/discord', async () => {
    const script = `
      const main = await import('ordersession');
      const client = await import('ordersession/client');
      const discord = await import('ordersession/discord');
      console.log(JSON.stringify({
        main: typeof main.createOrderSessionService,
        mainClient: main.createServiceClient === client.createServiceClient,
        client: typeof client.createServiceClient,
        sign: typeof client.signServiceRequest,
        discord: typeof discord.createOrderSessionService,
        commands: discord.COMMAND_DEFINITIONS.map((command) => command.name),
        states: main.ORDER_SESSION_STATES.length > 0,
      }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], app);
    expect(JSON.parse(stdout)).toEqual({
      main: 'function',
      mainClient: true,
      client: 'function',
      sign: 'function',
      discord: 'function',
      commands: ['order'],
      states: true,
    });
  });

  it('gives TypeScript users the types of all three entries', async () => {
    writeFileSync(
      join(app, 'check.ts'),
      `import { createOrderSessionService, type OrderSessionState } from 'ordersession';
import { createServiceClient } from 'ordersession/client';
import { COMMAND_DEFINITIONS, type DiscordOrderSession } from 'ordersession/discord';

export const state: OrderSessionState = 'COLLECTING_ITEMS';
// @ts-expect-error: not a state (the types are the package's own, not \`any\`)
export const wrong: OrderSessionState = 'no-such-state';
export const uses = [createOrderSessionService, createServiceClient, COMMAND_DEFINITIONS];
export type Session = DiscordOrderSession;
`,
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        files: ['check.ts'],
      }),
    );
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    await run(process.execPath, [tsc, '-p', 'tsconfig.json'], app);
  });

  it('runs the installed command from the compiled code, loading no dependency for --help', async () => {
    // Written to stderr at exit: every package of node_modules that the process required.
    const probe = join(scratch, 'probe.mjs');
    writeFileSync(
      probe,
      `import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  const loaded = Object.keys(cache).filter((file) => file.includes('/node_modules/'));
  writeSync(2, 'loaded:' + JSON.stringify(loaded) + '\\n');
});`,
    );
    const { stdout, stderr } = await run(
      join(app, 'node_modules/.bin/ordersession'),
      ['--help'],
      app,
      npmFreeEnv({ NODE_OPTIONS: `--import=${pathToFileURL(probe).href}` }),
    );
    expect(stdout).toMatch(/^usage: ordersession <command>/);
    expect(stdout).toContain('discord link-guild');
    // Fastify, the AWS SDK, the database drivers: none of them load to print the help.
    expect(stderr.trim()).toBe('loaded:[]');
  });

  it('serves from the installed package: migrates its embedded store and finds its static assets', async () => {
    const port = await freePort();
    server = await startChild(join(app, 'node_modules/.bin/ordersession'), ['serve'], {
      cwd: app,
      env: childEnv({ DATA_DIR: join(scratch, 'data'), PORT: String(port) }),
      port,
    });
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    const css = await fetch(`${server.url}/static/style.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    expect(await css.text()).toBe(readFileSync(join(ROOT, 'web/static/style.css'), 'utf8'));
    server.process.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  });
});
