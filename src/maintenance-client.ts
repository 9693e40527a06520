import type { MaintenanceCommand } from './maintenance.ts';

/** The CLI's name of each maintenance command, as a refusal names it. */
export const CLI_NAMES: Record<MaintenanceCommand, string> = {
  'seed-demo': 'seed-demo',
  expire: 'expire --once',
  relay: 'relay --once',
  unpark: 'relay --unpark',
};

/** Asks the server that holds the embedded store to run `command`; the line it answers. */
export async function runThroughServer(
  server: { url: string; token: string },
  command: MaintenanceCommand,
): Promise<string> {
  let response: Response;
  try {
    response = await fetch(`${server.url}/ops/${command}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}` },
      signal: AbortSignal.timeout(120_000),
    });
  } catch (err) {
    throw new Error(
      `the server at ${server.url} holds the data folder but did not answer (${
        err instanceof Error ? err.message : String(err)
      }); stop it or try again`,
    );
  }
  const body = (await response.json().catch(() => null)) as {
    success?: boolean;
    data?: { message: string };
    message?: string;
  } | null;
  if (!response.ok || !body?.success || !body.data) {
    throw new Error(
      `the server at ${server.url} refused \`${CLI_NAMES[command]}\`: ${response.status} ${body?.message ?? ''}`,
    );
  }
  return `${body.data.message} (run by the server at ${server.url})`;
}
