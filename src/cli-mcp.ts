import { pino } from 'pino';
import { serveMcpStdio } from './channels/mcp/stdio.ts';
import { loadConfig } from './config.ts';
import { openSystem } from './system.ts';

/**
 * `ordersession mcp`: the MCP server over stdio, for a desktop assistant. The agent key comes
 * from ORDERSESSION_AGENT_KEY; stdout carries the protocol only, so logs go to stderr.
 */
export async function mcpCommand(): Promise<void> {
  const config = { ...loadConfig(), seedDemo: false };
  const system = await openSystem(config, {
    gatewayKey: 'unused-by-mcp',
    logger: pino({ level: config.logLevel }, pino.destination(2)),
  });
  try {
    await serveMcpStdio(system, process.env.ORDERSESSION_AGENT_KEY);
  } finally {
    await system.close();
  }
}
