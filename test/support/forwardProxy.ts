import { createServer, type IncomingMessage, request as httpRequest, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';

export interface ProxyLogEntry {
  /** CONNECT for a tunnel (https), else the forwarded method. */
  method: string;
  /** host:port of a tunnel, or the absolute URL of a forwarded plain-http request. */
  target: string;
  /** The status the proxy answered with (200 for a tunnel it opened). */
  status: number;
  /** The Proxy-Authorization header it received, if any (the test checks credentials reach it). */
  proxyAuthorization?: string;
}

export interface ForwardProxyOptions {
  /** Require `Proxy-Authorization: Basic base64(user:password)`; others get 407. */
  credentials?: { username: string; password: string };
  /** Answer every request with this status (403: the proxy's policy forbids the destination). */
  refuseWith?: number;
  /**
   * Names only the proxy can resolve (its own DNS, like a company proxy's view of internal
   * hosts). A service under such a name is reachable through the proxy and nowhere else, which
   * proves that every request went through it.
   */
  hosts?: Record<string, string>;
}

export interface RunningProxy {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  log: ProxyLogEntry[];
  close(): Promise<void>;
}

/**
 * A real forward proxy on 127.0.0.1, as a company network puts in front of the Internet: it opens
 * CONNECT tunnels (https) and forwards absolute-URI requests (plain http), may demand Basic
 * credentials (407) or refuse (403), and logs every request, so a test can prove that traffic
 * went through it (or, with NO_PROXY, that it didn't).
 */
export async function startForwardProxy(options: ForwardProxyOptions = {}): Promise<RunningProxy> {
  const log: ProxyLogEntry[] = [];
  const sockets = new Set<Socket>();
  const expected = options.credentials && `Basic ${Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString('base64')}`;
  const refusal = (req: IncomingMessage): number | undefined => {
    if (options.refuseWith !== undefined) return options.refuseWith;
    if (expected !== undefined && req.headers['proxy-authorization'] !== expected) return 407;
    return undefined;
  };

  const server: Server = createServer((req, res) => {
    const target = req.url ?? '';
    const refused = refusal(req);
    const entry: ProxyLogEntry = { method: req.method ?? '', target, status: refused ?? 0, proxyAuthorization: req.headers['proxy-authorization'] };
    log.push(entry);
    if (refused !== undefined) {
      res.writeHead(refused, refused === 407 ? { 'proxy-authenticate': 'Basic realm="test proxy"' } : {}).end(`proxy says ${refused}`);
      return;
    }
    const url = new URL(target);
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest(
      { host: options.hosts?.[url.hostname] ?? url.hostname, port: url.port, path: url.pathname + url.search, method: req.method, headers },
      (answer) => {
        entry.status = answer.statusCode ?? 0;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });

  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    const refused = refusal(req);
    log.push({ method: 'CONNECT', target, status: refused ?? 200, proxyAuthorization: req.headers['proxy-authorization'] });
    client.on('error', () => undefined);
    if (refused !== undefined) {
      client.end(`HTTP/1.1 ${refused} Refused\r\n${refused === 407 ? 'Proxy-Authenticate: Basic realm="test proxy"\r\n' : ''}Content-Length: 0\r\n\r\n`);
      return;
    }
    const [host, port] = splitHostPort(target);
    const upstream = connect({ host: options.hosts?.[host] ?? host, port }, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function splitHostPort(target: string): [string, number] {
  const at = target.lastIndexOf(':');
  return [target.slice(0, at).replace(/^\[|\]$/g, ''), Number(target.slice(at + 1))];
}
