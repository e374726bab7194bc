import type { AddressInfo } from 'node:net';
import { createApp, type AppDependencies } from './app';

export interface RunningApi {
  /** e.g. http://127.0.0.1:3000 */
  url: string;
  /** Stops taking connections, lets requests in flight finish (up to the grace period), then closes. */
  close(): Promise<void>;
}

const closeGraceMs = 10_000;

export async function startApiServer(deps: AppDependencies, host: string, port: number): Promise<RunningApi> {
  const app = createApp(deps);
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const listening = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  const { port: boundPort } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        const forceClose = setTimeout(() => server.closeAllConnections(), closeGraceMs);
        server.close((error) => {
          clearTimeout(forceClose);
          if (error) reject(error);
          else resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
