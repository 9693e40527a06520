import cluster from 'node:cluster';
import { parseArgs } from 'node:util';
import { DISCORD_USAGE } from './channels/discord/usage.ts';
import type { Config } from './config.ts';
import type { MaintenanceCommand } from './maintenance.ts';

// Each command imports what it needs when it runs: `--help` or `agent-keys list` should not pay
// for loading the HTTP server, the AWS SDK, the MCP SDK or the brokers' clients.
const USAGE = `usage: ordersession <command>
  serve [--workers <n|auto>]
                   start the HTTP server and the background workers (the default); with
                   --workers (or WORKERS), n HTTP processes share the port (PostgreSQL only)
  migrate          apply pending database migrations and exit
  seed-demo        fill the demo tenant's catalog and exit
  expire --once    expire every overdue order session and payment window, once, and exit
  relay --once     relay every deliverable outbox event to OUTBOX_SINK, once, and exit
  relay --unpark   put parked (dead-lettered) outbox events back in line
  import <folder> --tenant <id> [--currency USD]
                   load a merchant data set (CSV: products, inventory, discounts, promotions,
                   shipping_rates, customers, addresses); run again to update
  dynamodb create-table
                   create DYNAMODB_TABLE for agent checkout sessions, with TTL on
  agent-keys create --tenant <id> [--label <text>]   make an AI agent API key; printed once
  agent-keys list --tenant <id>                      the tenant's agent keys (not the keys)
  agent-keys revoke --tenant <id> --id <key id>      refuse that key from now on
  mcp              the MCP server over stdio (for a desktop assistant); key in ORDERSESSION_AGENT_KEY
${DISCORD_USAGE}`;

async function serve(workersFlag: string | undefined): Promise<void> {
  const [{ loadConfig }, { startService }, { stopOnSignals }, { webBanner }, { DEMO_PRODUCTS }] =
    await Promise.all([
      import('./config.ts'),
      import('./service.ts'),
      import('./shutdown.ts'),
      import('./web/banner.ts'),
      import('./app/seed-demo.ts'),
    ]);
  const config = loadConfig(
    workersFlag === undefined ? process.env : { ...process.env, WORKERS: workersFlag },
  );
  const { resolveWorkers } = await import('./cluster.ts');
  const workers = resolveWorkers(config.workers, config);
  if (workers > 1) return serveCluster(config, workers, DEMO_PRODUCTS[0].id);
  const service = await startService(config);
  const { system } = service;
  printBanner(
    config.host,
    config.port,
    system.store.kind,
    system.gatewayKey,
    !config.gatewayKey,
    DEMO_PRODUCTS[0].id,
  );
  process.stdout.write(webBanner(config.publicBaseUrl, system.adminKey, !config.adminKey));
  stopOnSignals(service, config.shutdown.graceMs);
}

/** `serve --workers n`: the primary forks n HTTP processes (src/cluster.ts); each runs this too. */
async function serveCluster(config: Config, workers: number, demo: string): Promise<void> {
  const [{ startClusterPrimary, startClusterWorker }, { stopOnSignals }, { webBanner }] =
    await Promise.all([import('./cluster.ts'), import('./shutdown.ts'), import('./web/banner.ts')]);
  if (cluster.isWorker) {
    stopOnSignals(await startClusterWorker(config), config.shutdown.graceMs);
    return;
  }
  const primary = await startClusterPrimary(config, workers);
  const { system } = primary;
  const port = Number(new URL(primary.address).port);
  printBanner(config.host, port, system.store.kind, system.gatewayKey, !config.gatewayKey, demo);
  process.stdout.write(webBanner(config.publicBaseUrl, system.adminKey, !config.adminKey));
  process.stdout.write(
    `  ${workers} HTTP processes (pids ${primary
      .workers()
      .map((w) => w.process.pid)
      .join(', ')})\n`,
  );
  stopOnSignals(primary, config.shutdown.graceMs);
}

function printBanner(
  host: string,
  port: number,
  store: string,
  key: string,
  generated: boolean,
  demo: string,
) {
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  process.stdout.write(
    [
      '',
      `ordersession is serving on ${base} (store: ${store})`,
      `  API docs:  ${base}/api-docs`,
      `  health:    ${base}/health`,
      `  gateway key${generated ? ' (generated, kept in the data folder)' : ''}: ${key}`,
      '  first request:',
      `    curl -s -X POST ${base}/api/sessions -H 'x-gateway-key: ${key}' -H 'x-user-id: alice'`,
      `    then add demo product ${demo} with POST /api/sessions/<id>/items (see the README)`,
      '',
    ].join('\n'),
  );
}

/**
 * A maintenance command: through the running server when it holds the embedded store (no second
 * process may open it), else on a system of its own.
 */
async function maintenance(command: MaintenanceCommand): Promise<void> {
  const [{ loadConfig }, { liveOwner }, { CLI_NAMES, runThroughServer }] = await Promise.all([
    import('./config.ts'),
    import('./store/data-dir-lock.ts'),
    import('./maintenance-client.ts'),
  ]);
  const config = loadConfig();
  const server = config.databaseUrl ? null : liveOwner(config.dataDir)?.control;
  if (server) {
    process.stdout.write(`${await runThroughServer(server, command)}\n`);
    return;
  }
  const [{ openSystem }, { runMaintenance }] = await Promise.all([
    import('./system.ts'),
    import('./maintenance.ts'),
  ]);
  const system = await openSystem(
    { ...config, seedDemo: false },
    { gatewayKey: `unused-by-${command}`, command: CLI_NAMES[command] },
  );
  try {
    process.stdout.write(`${await runMaintenance(system, command)}\n`);
  } finally {
    await system.close();
  }
}

async function agentKeysCommand(
  action: string | undefined,
  flags: { tenant?: string | undefined; label?: string | undefined; id?: string | undefined },
): Promise<void> {
  if (!flags.tenant) throw new Error('agent-keys: --tenant <id> is required');
  const [{ loadConfig }, { openSystem }] = await Promise.all([
    import('./config.ts'),
    import('./system.ts'),
  ]);
  const system = await openSystem(
    { ...loadConfig(), seedDemo: false },
    { gatewayKey: 'unused-by-agent-keys', command: 'agent-keys' },
  );
  const ctx = { tenantId: flags.tenant, userId: 'cli', role: 'internal' as const };
  try {
    const keys = system.agentKeys;
    if (action === 'create') {
      const created = await keys.create(ctx, flags.label ? { label: flags.label } : {});
      if (!created.ok) throw new Error(created.error.message);
      process.stdout.write(
        `agent key ${created.value.id} for tenant ${flags.tenant} (shown once, keep it now):\n${created.value.key}\n`,
      );
    } else if (action === 'list') {
      const listed = await keys.list(ctx);
      if (!listed.ok) throw new Error(listed.error.message);
      for (const key of listed.value) {
        const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'live';
        process.stdout.write(`${key.id}  ${key.label}  ${state}\n`);
      }
    } else if (action === 'revoke') {
      if (!flags.id) throw new Error('agent-keys revoke: --id <key id> is required');
      const revoked = await keys.revoke(ctx, flags.id);
      if (!revoked.ok) throw new Error(revoked.error.message);
      process.stdout.write(`agent key ${revoked.value.id} revoked\n`);
    } else {
      throw new Error('agent-keys: create, list or revoke');
    }
  } finally {
    await system.close();
  }
}

async function main(): Promise<void> {
  const { applyEnvFile } = await import('./env-file.ts');
  applyEnvFile();
  if (process.argv[2] === 'discord') {
    const [{ loadConfig }, { runDiscordCommand }, { openSystem }] = await Promise.all([
      import('./config.ts'),
      import('./channels/discord/cli.ts'),
      import('./system.ts'),
    ]);
    const config = loadConfig();
    const printed = await runDiscordCommand(process.argv.slice(3), {
      config: config.discord,
      openGuildLinks: async () => {
        const system = await openSystem(
          { ...config, seedDemo: false },
          { gatewayKey: 'unused-by-discord', command: 'discord' },
        );
        return { guildLinks: system.discord.guildLinks, close: () => system.close() };
      },
    });
    process.stdout.write(printed);
    return;
  }
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      once: { type: 'boolean', default: false },
      unpark: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
      tenant: { type: 'string' },
      currency: { type: 'string' },
      label: { type: 'string' },
      id: { type: 'string' },
      workers: { type: 'string' },
    },
  });
  const command = positionals[0] ?? 'serve';
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  switch (command) {
    case 'serve':
      return serve(values.workers);
    case 'migrate': {
      const [{ loadConfig }, { openSystem }] = await Promise.all([
        import('./config.ts'),
        import('./system.ts'),
      ]);
      const system = await openSystem(
        { ...loadConfig(), seedDemo: false },
        { gatewayKey: 'unused-by-migrate', command: 'migrate' },
      );
      await system.close();
      process.stdout.write('migrations are current\n');
      return;
    }
    case 'seed-demo':
      return maintenance('seed-demo');
    case 'expire': {
      if (!values.once)
        throw new Error('expire runs inside `serve`; use `expire --once` to run it once');
      return maintenance('expire');
    }
    case 'relay': {
      if (!values.once && !values.unpark) {
        throw new Error('the relay runs inside `serve`; use `relay --once` or `relay --unpark`');
      }
      return maintenance(values.unpark ? 'unpark' : 'relay');
    }
    case 'import':
      return (await import('./cli-agent-checkout.ts')).importCommand(positionals[1], values);
    case 'dynamodb':
      return (await import('./cli-agent-checkout.ts')).dynamodbCommand(positionals[1]);
    case 'agent-keys':
      return agentKeysCommand(positionals[1], values);
    case 'mcp':
      return (await import('./cli-mcp.ts')).mcpCommand();
    default:
      process.stderr.write(`unknown command: ${command}\n${USAGE}\n`);
      process.exitCode = 2;
  }
}

main().catch(async (err: unknown) => {
  const [{ ConfigError }, { DataDirLockedError }] = await Promise.all([
    import('./config.ts'),
    import('./store/data-dir-lock.ts'),
  ]);
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\nSee .env.example for every setting.\n`);
  } else if (err instanceof DataDirLockedError) {
    process.stderr.write(`ordersession: ${err.message}\n`);
  } else {
    process.stderr.write(
      `ordersession: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
  }
  process.exit(1);
});
