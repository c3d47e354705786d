/**
 * A loopback reverse proxy that hands each request to the next collector process in turn: no sticky
 * sessions, so a staff member's next page lands on another process than their sign-in. It sets
 * X-Forwarded-For/-Proto/-Host as the TLS proxy in front of a production collector would.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The running proxy. */
export interface RoundRobinProxy {
  url: string;
  /** How many requests went to each upstream, in the order of the ports given. */
  readonly served: readonly number[];
  /** Sends the next request to this upstream (0-based), then carries on in turn from there. */
  nextTo(index: number): void;
  close(): Promise<void>;
}

/** Starts the proxy on a loopback port in front of the upstream ports. */
export async function startRoundRobinProxy(upstreamPorts: readonly number[]): Promise<RoundRobinProxy> {
  if (upstreamPorts.length === 0) throw new Error('a proxy needs at least one upstream');
  const served = upstreamPorts.map(() => 0);
  let next = 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const server = http.createServer((request, response) => {
    const index = next;
    next = (next + 1) % upstreamPorts.length;
    served[index]++;
    const forwardedFor = [request.headers['x-forwarded-for'], request.socket.remoteAddress].filter(Boolean).join(', ');
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: upstreamPorts[index],
        method: request.method,
        path: request.url,
        agent,
        headers: { ...request.headers, 'x-forwarded-for': forwardedFor, 'x-forwarded-proto': 'http', 'x-forwarded-host': request.headers.host ?? '' },
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
      response.end('bad gateway');
    });
    request.pipe(upstream);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    nextTo(index) {
      next = index % upstreamPorts.length;
    },
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
