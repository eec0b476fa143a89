import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A loopback TCP proxy the test controls, standing in for a service outage: `down()` closes the
 * listener and resets every open connection (clients see the service vanish), `up()` listens
 * again on the same port. The real service behind it keeps running.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;
  /** Added to every chunk in both directions while above 0 (a slow link rather than a broken one). */
  latencyMs = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async up(): Promise<this> {
    const server = createServer((client) => {
      const upstream = connect(this.targetPort, this.targetHost);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      const relay = (from: Socket, to: Socket) => {
        // Chunks keep their order even when the latency changes mid-stream.
        let lastDue = 0;
        from.on('data', (chunk: Buffer) => {
          const due = Math.max(Date.now() + this.latencyMs, lastDue);
          lastDue = due;
          const write = () => void (to.writable && to.write(chunk));
          if (due <= Date.now()) write();
          else setTimeout(write, due - Date.now());
        });
      };
      relay(client, upstream);
      relay(upstream, client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
