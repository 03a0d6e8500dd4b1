import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface HealthState {
  /** Config loaded and the last run did not stop on a run-fatal error or unusable input. */
  ready(): { ready: boolean; reason?: string };
}

export interface HealthServer {
  url: string;
  close(): Promise<void>;
}

/**
 * GET /healthz (process alive), /readyz (able to do its job), /metrics (Prometheus text).
 * Listens on 127.0.0.1 unless configured otherwise: metrics describe the team and stay on the
 * host until someone decides to expose them.
 */
export async function startHealthServer(host: string, port: number, state: HealthState, registry: Registry): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
    } else if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    } else if (path === '/readyz') {
      const r = state.ready();
      res
        .writeHead(r.ready ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: r.ready ? 'ready' : 'not ready', reason: r.reason }));
    } else if (path === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
