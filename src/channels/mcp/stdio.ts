import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { System } from '../../system.ts';
import { mcpContext, mcpDeps } from './deps.ts';
import { createMcpServer } from './tools.ts';

/**
 * MCP over stdio for a desktop assistant: the agent key (from the environment, never the
 * command line) says whose shop it is. Resolves when stdin closes.
 */
export async function serveMcpStdio(system: System, key: string | undefined): Promise<void> {
  const caller = await system.agentKeys.authenticate(key);
  if (!caller.ok) throw new Error(`mcp: ${caller.error.message}`);
  const server = createMcpServer(mcpDeps(system), mcpContext(caller.value));
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  await closed;
  await server.close();
}
