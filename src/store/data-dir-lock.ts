import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import lockfile from 'proper-lockfile';

/** Who holds a data folder; kept in `<DATA_DIR>/owner.json` (mode 0600) while it does. */
export interface DataDirOwner {
  pid: number;
  /** The CLI command: `serve` for the server. */
  command: string;
  startedAt: string;
  /** Set by a running server: where its maintenance API answers, and the token it takes. */
  control?: { url: string; token: string };
}

export interface DataDirLock {
  readonly dataDir: string;
  /** Tells later commands where the server's maintenance API is. */
  publish(control: { url: string; token: string }): void;
  release(): Promise<void>;
}

/** A second process asked for a data folder that a live process holds. */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';

  constructor(
    readonly dataDir: string,
    readonly owner: DataDirOwner | null,
  ) {
    super(lockedMessage(dataDir, owner));
  }
}

function lockedMessage(dataDir: string, owner: DataDirOwner | null): string {
  if (!owner) return `another process holds ${dataDir}; wait for it to end`;
  if (owner.command === 'serve')
    return `the server (pid ${owner.pid}) holds ${dataDir}; stop it or use its API`;
  return `\`ordersession ${owner.command}\` (pid ${owner.pid}) holds ${dataDir}; wait for it to end`;
}

const LOCK_NAME = 'ordersession.lock';
const OWNER_NAME = 'owner.json';
/** The holder touches its lock every second; a lock untouched for 5 s belongs to nobody alive. */
const UPDATE_MS = 1000;
const STALE_MS = 5000;
/** How long a newcomer waits for a dead owner's lock to go stale before giving up. */
const TAKEOVER_WAIT_MS = STALE_MS + 5000;

function alive(pid: number): boolean {
  // Our own pid in the file is a previous life of this pid (a container restarted, say).
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwnerFile(dataDir: string): DataDirOwner | null {
  try {
    const owner = JSON.parse(readFileSync(join(dataDir, OWNER_NAME), 'utf8')) as DataDirOwner;
    return typeof owner.pid === 'number' ? owner : null;
  } catch {
    return null;
  }
}

/** The live process that holds `dataDir`, if any (a dead one's leftovers are ignored). */
export function liveOwner(dataDir: string): DataDirOwner | null {
  const owner = readOwnerFile(dataDir);
  return owner && alive(owner.pid) ? owner : null;
}

function writeOwnerFile(dataDir: string, owner: DataDirOwner): void {
  const path = join(dataDir, OWNER_NAME);
  const partial = `${path}.${process.pid}`;
  writeFileSync(partial, `${JSON.stringify(owner)}\n`, { mode: 0o600 });
  renameSync(partial, path);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Makes this process the one owner of `dataDir` (the embedded store allows one writer).
 *
 * The lock is proper-lockfile's (an atomic mkdir, kept fresh every second); `owner.json` says
 * who holds it. A live owner means refusal at once, with its pid, before the lock is even tried,
 * so a holder whose event loop stalled is never robbed. A dead owner's lock (`kill -9`, a crash)
 * goes stale within 5 s, and proper-lockfile then hands it over to one newcomer only.
 */
export async function lockDataDir(
  dataDir: string,
  command: string,
  logger?: Pick<Logger, 'error' | 'warn'>,
): Promise<DataDirLock> {
  mkdirSync(dataDir, { recursive: true });
  const deadline = Date.now() + TAKEOVER_WAIT_MS;
  let release: (() => Promise<void>) | undefined;
  // Whoever the folder last belonged to, if it did not let go (a crash, kill -9).
  let waitingFor: DataDirOwner | null = readOwnerFile(dataDir);
  while (!release) {
    const owner = liveOwner(dataDir);
    if (owner) throw new DataDirLockedError(dataDir, owner);
    try {
      release = await lockfile.lock(dataDir, {
        lockfilePath: join(dataDir, LOCK_NAME),
        realpath: false,
        stale: STALE_MS,
        update: UPDATE_MS,
        onCompromised: (err) =>
          logger?.error({ err, dataDir }, 'data folder lock: could not be kept fresh'),
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
      // Held, and its owner is gone or not written yet: wait for it to go stale or show up.
      waitingFor = readOwnerFile(dataDir) ?? waitingFor;
      if (Date.now() > deadline) {
        throw new Error(
          `${dataDir} is locked (${join(dataDir, LOCK_NAME)}) by ${
            waitingFor ? `pid ${waitingFor.pid}, which is gone,` : 'a process that left no name'
          } and the lock is still being refreshed; if no ordersession process uses it, remove that folder`,
        );
      }
      await sleep(250);
    }
  }
  if (waitingFor) {
    // Never the control token: logs travel further than the data folder.
    const previous = { pid: waitingFor.pid, command: waitingFor.command };
    logger?.warn({ dataDir, previous }, 'took over a dead process’s lock');
  }
  let owner: DataDirOwner = { pid: process.pid, command, startedAt: new Date().toISOString() };
  writeOwnerFile(dataDir, owner);
  let released = false;
  return {
    dataDir,
    publish(control) {
      owner = { ...owner, control };
      writeOwnerFile(dataDir, owner);
    },
    async release() {
      if (released) return;
      released = true;
      rmSync(join(dataDir, OWNER_NAME), { force: true });
      await release?.().catch(() => {});
    },
  };
}
