// A loopback Git server reached the way a GitRepository can reach one: plain smart HTTP, HTTPS with
// basic auth and a private CA, or SSH with a key and known_hosts. Tests make repositories on
// `server` and point GitRepositories at `url` with a Secret of `secret` as their spec.secretRef.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { startGitServer, type GitServer } from './git-server.ts';
import { makeServerTls } from './pki.ts';
import { startSshGitServer } from './ssh-git-server.ts';

export type GitTransport = 'http' | 'https' | 'ssh';

export interface GitRemote {
  transport: GitTransport;
  /** Where repositories are made (createRepository). */
  server: GitServer;
  /** Append a repository's path (`/app.git`) for a GitRepository's spec.url. */
  url: string;
  /** The data of the Secret a GitRepository needs to fetch, if it needs one. */
  secret?: Record<string, string>;
  close(): Promise<void>;
}

export async function startGitRemote(transport: GitTransport): Promise<GitRemote> {
  if (transport === 'http') {
    const server = await startGitServer();
    return { transport, server, url: server.url, close: () => server.close() };
  }
  if (transport === 'https') {
    const tls = await makeServerTls();
    const auth = { username: 'reader', password: randomBytes(12).toString('hex') };
    const server = await startGitServer({ tls, auth });
    return {
      transport, server, url: server.url, secret: { ...auth, caFile: tls.ca },
      close: async () => {
        await server.close();
        await rm(tls.dir, { recursive: true, force: true });
      },
    };
  }
  // sshd serves the bare repositories of a smart-HTTP server's root, which nothing fetches over HTTP.
  const server = await startGitServer();
  const ssh = await startSshGitServer(server.root).catch(async (err: unknown) => {
    await server.close();
    throw err;
  });
  return {
    transport, server, url: ssh.url, secret: { identity: ssh.client.privateKey, known_hosts: ssh.knownHosts },
    close: async () => { await Promise.all([ssh.close(), server.close()]); },
  };
}
