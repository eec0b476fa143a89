import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  /**
   * The webhook-id without its installation and tenant: the idempotency key (`<key>:<step>` for
   * saga steps), which is what tests enqueue with. `messageId` is the header as sent.
   */
  id: string;
  messageId: string;
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
  /** The status the sink answered. */
  status?: number;
}

/** Decides the answer to each request; `index` counts requests carrying the same webhook-id from 0. */
export type Responder = (request: ReceivedRequest, index: number) => { status: number; headers?: Record<string, string>; body?: string; delayMs?: number };

/** `outbox:<installation>:<tenant>:<rest>` → `<rest>` (the message id is the workflow id). */
export function keyOfMessageId(messageId: string): string {
  return /^outbox:[a-z0-9-]+:[A-Za-z0-9][A-Za-z0-9_.-]*:(.+)$/.exec(messageId)?.[1] ?? messageId;
}

/**
 * A loopback HTTP server standing in for a webhook consumer: it records every request and
 * answers whatever the test's responder says (200 by default).
 */
export class WebhookSink {
  readonly requests: ReceivedRequest[] = [];
  private readonly perId = new Map<string, number>();
  private server: Server | undefined;
  responder: Responder = () => ({ status: 200 });

  /** Listens on `port` (0: any free one) on 127.0.0.1. */
  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request: ReceivedRequest = {
          id: keyOfMessageId(String(req.headers['webhook-id'] ?? '')),
          messageId: String(req.headers['webhook-id'] ?? ''),
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          receivedAt: Date.now(),
        };
        const index = this.perId.get(request.id) ?? 0;
        this.perId.set(request.id, index + 1);
        this.requests.push(request);
        const answer = this.responder(request, index);
        request.status = answer.status;
        const reply = () => {
          if (res.destroyed) return;
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body ?? '');
        };
        // A slow endpoint: answers after `delayMs` (or never, if the client gives up first).
        if (answer.delayMs) setTimeout(reply, answer.delayMs).unref();
        else reply();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    const { port } = this.server?.address() as AddressInfo;
    return `http://127.0.0.1:${port}/hook`;
  }

  /** Requests per webhook-id. */
  countsById(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const request of this.requests) counts.set(request.id, (counts.get(request.id) ?? 0) + 1);
    return counts;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
