import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookReceiver {
  /** With a secret-looking path, as Slack's are, to check it never shows. */
  url: string;
  /** Every body received, parsed. */
  bodies: unknown[];
  close(): Promise<void>;
}

/** A webhook receiver on 127.0.0.1 that answers 200, always 500, or never (holds the request open). */
export async function startWebhookReceiver(behaviour: 'ok' | 'fail-500' | 'hang'): Promise<WebhookReceiver> {
  const bodies: unknown[] = [];
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      bodies.push(JSON.parse(text));
      if (behaviour === 'hang') return void held.push(res);
      res.writeHead(behaviour === 'ok' ? 200 : 500, { 'content-type': 'text/plain' }).end(behaviour === 'ok' ? 'ok' : 'internal_error');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/${WEBHOOK_SECRET}`,
    bodies,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const WEBHOOK_SECRET = 'whsec-XyZ0123456789-do-not-leak';
