// A CA and a loopback server certificate made at test time with openssl.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './run.ts';

export interface TlsMaterial {
  dir: string;
  caFile: string;
  ca: string;
  cert: string;
  key: string;
}

export async function makeServerTls(): Promise<TlsMaterial> {
  const dir = await mkdtemp(join(tmpdir(), 'capstan-tls-'));
  const file = (name: string) => join(dir, name);
  const ssl = (args: string[]) => run('openssl', args);
  await ssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=capstan-test-repo-ca', '-keyout', file('ca.key'), '-out', file('ca.crt')]);
  await ssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', file('server.key'), '-out', file('server.csr')]);
  await writeFile(file('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await ssl(['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', file('server.ext'), '-out', file('server.crt')]);
  const [ca, cert, key] = await Promise.all(['ca.crt', 'server.crt', 'server.key'].map((n) => readFile(file(n), 'utf8')));
  return { dir, caFile: file('ca.crt'), ca: ca ?? '', cert: cert ?? '', key: key ?? '' };
}

export interface ClientTls {
  cert: string;
  key: string;
}

/** A client certificate signed by the CA of `server`, for servers that ask for one. */
export async function makeClientTls(server: TlsMaterial): Promise<ClientTls> {
  const file = (name: string) => join(server.dir, name);
  const ssl = (args: string[]) => run('openssl', args);
  await ssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=capstan-test-client', '-keyout', file('client.key'), '-out', file('client.csr')]);
  await writeFile(file('client.ext'), 'extendedKeyUsage=clientAuth\n');
  await ssl(['x509', '-req', '-in', file('client.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', file('client.ext'), '-out', file('client.crt')]);
  const [cert, key] = await Promise.all(['client.crt', 'client.key'].map((n) => readFile(file(n), 'utf8')));
  return { cert: cert ?? '', key: key ?? '' };
}
