import { createServer } from 'node:net';

/**
 * A port nothing listens on now, for a server whose port must be known before it starts (a child
 * process, a page's own links). Asked of the kernel, so test runs side by side do not collide.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
