// The controller's HTTP endpoints: /healthz (the process is alive), /readyz (caches synced),
// /metrics (Prometheus). One small server per address, loopback or pod IP as the flags say.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface Endpoints {
  ready: () => boolean;
  registry?: Registry;
}

export function parseAddress(addr: string): { host: string; port: number } {
  const i = addr.lastIndexOf(':');
  const host = addr.slice(0, i) || '0.0.0.0';
  const port = Number(addr.slice(i + 1));
  if (i < 0 || !Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`"${addr}" is not host:port`);
  return { host, port };
}

export async function serve(addr: string, endpoints: Endpoints): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      res.writeHead(200).end('ok');
    } else if (path === '/readyz') {
      if (endpoints.ready()) res.writeHead(200).end('ok');
      else res.writeHead(503).end('caches not synced');
    } else if (path === '/metrics' && endpoints.registry) {
      const registry = endpoints.registry;
      registry.metrics().then(
        (text) => { res.writeHead(200, { 'Content-Type': registry.contentType }).end(text); },
        () => { res.writeHead(500).end(); },
      );
    } else {
      res.writeHead(404).end();
    }
  });
  const { host, port } = parseAddress(addr);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return { server, port: (server.address() as AddressInfo).port };
}
