// Builds .tgz archives byte by byte, so tests can make packages no honest tool would: absolute
// paths, parent references, escaping links, PAX and GNU long-name headers.
import { gzipSync } from 'node:zlib';

export interface TarEntry {
  name: string;
  /** Text (written as UTF-8) or bytes (a nested package). */
  content?: string | Buffer;
  /** '0' file (default), '5' folder, '2' symlink, '1' hard link, 'x' PAX header, 'L' GNU long name. */
  type?: string;
  linkname?: string;
}

function header(entry: TarEntry, size: number): Buffer {
  const block = Buffer.alloc(512);
  block.write(entry.name.slice(0, 100), 0, 'utf8');
  block.write('0000644\0', 100, 'latin1');
  block.write('0000000\0', 108, 'latin1');
  block.write('0000000\0', 116, 'latin1');
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  block.write('00000000000\0', 136, 'latin1');
  block.write(entry.type ?? '0', 156, 'latin1');
  block.write(entry.linkname ?? '', 157, 'utf8');
  block.write('ustar\0', 257, 'latin1');
  block.write('00', 263, 'latin1');
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of block) sum += b;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

/** A PAX record: "<length> <key>=<value>\n", the length counting itself. */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (Buffer.byteLength(`${length}${body}`) !== length) length = Buffer.byteLength(`${length}${body}`);
  return `${length}${body}`;
}

export function tar(entries: TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const data = Buffer.from(entry.content ?? '');
    blocks.push(header(entry, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

export function tgz(entries: TarEntry[]): Buffer {
  return gzipSync(tar(entries));
}

/** A minimal chart package named name-version.tgz would hold. */
export function chartTgz(name: string, version: string, extra: TarEntry[] = []): Buffer {
  return tgz([
    { name: `${name}/Chart.yaml`, content: `apiVersion: v2\nname: ${name}\nversion: ${version}\n` },
    { name: `${name}/values.yaml`, content: '{}\n' },
    ...extra,
  ]);
}
