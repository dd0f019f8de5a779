// Checks that a chart package is a gzip'd tar archive whose entries all stay inside its root, as
// helm's own loader demands (no absolute paths, no parent references, no drive letters), without
// unpacking it: the tar headers are read while the archive streams through gunzip, and the data
// in between is skipped, except for the files a caller asks to keep (the CRDs capstan applies
// itself). Links may not point outside either.
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ChartPackageError, formatBytes } from './errors.ts';

/** How large a chart may be once unpacked (helm's own default bound on a decompressed chart). */
export const DEFAULT_MAX_UNPACKED_BYTES = 100 * 1024 * 1024;

const BLOCK = 512;
/** Bound on a PAX header or GNU long name, which are read into memory. */
const MAX_META_BYTES = 1024 * 1024;

export interface ArchiveSummary {
  /** Number of files, folders and links. */
  entries: number;
  /** Content of the regular files `keep` selected, by path in the archive. */
  files: Map<string, Buffer>;
}

/** Which regular files' content to keep while checking (by path in the archive). */
export type KeepFile = (path: string) => boolean;

interface Header {
  name: string;
  linkname: string;
  size: number;
  type: string;
}

/** Meta entries that describe the next entry instead of being one. */
type Meta = 'pax' | 'longName' | 'longLink';
/** A regular file (tar types 0, NUL and 7). */
const REGULAR = new Set(['0', '\0', '7']);

export async function checkChartArchive(bytes: Buffer, source: string, maxUnpackedBytes = DEFAULT_MAX_UNPACKED_BYTES, keep?: KeepFile): Promise<ArchiveSummary> {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    throw new ChartPackageError(`chart ${source} is not a gzip'd tar archive (.tgz): check the chart URL in the index`);
  }
  const scanner = new TarScanner(source, keep);
  let unpacked = 0;
  try {
    for await (const chunk of Readable.from([bytes]).pipe(createGunzip()) as AsyncIterable<Buffer>) {
      unpacked += chunk.length;
      if (unpacked > maxUnpackedBytes) {
        throw new ChartPackageError(`chart ${source} unpacks to more than ${formatBytes(maxUnpackedBytes)}: refused as a likely decompression bomb`);
      }
      scanner.push(chunk);
    }
  } catch (err) {
    if (err instanceof ChartPackageError) throw err;
    throw new ChartPackageError(`chart ${source} is not a valid gzip stream: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return { entries: scanner.entries, files: scanner.files };
}

class TarScanner {
  entries = 0;
  readonly files = new Map<string, Buffer>();
  private readonly source: string;
  private readonly keep: KeepFile | undefined;
  private carry: Buffer = Buffer.alloc(0);
  /** Bytes of entry data (and padding) still to pass over. */
  private skip = 0;
  private collecting: { meta: Meta | 'file'; name: string; left: number; parts: Buffer[] } | undefined;
  private nextName: string | undefined;
  private nextLink: string | undefined;

  constructor(source: string, keep?: KeepFile) {
    this.source = source;
    this.keep = keep;
  }

  push(chunk: Buffer): void {
    const buf = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    let off = 0;
    for (;;) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, buf.length - off);
        this.collect(buf.subarray(off, off + n));
        off += n;
        this.skip -= n;
        if (this.skip > 0) break;
        this.finishCollect();
        continue;
      }
      if (buf.length - off < BLOCK) break;
      this.header(buf.subarray(off, off + BLOCK));
      off += BLOCK;
    }
    this.carry = Buffer.from(buf.subarray(off));
  }

  private collect(data: Buffer): void {
    const c = this.collecting;
    if (!c || c.left === 0) return;
    const take = data.subarray(0, c.left);
    c.parts.push(Buffer.from(take));
    c.left -= take.length;
  }

  private finishCollect(): void {
    const c = this.collecting;
    if (!c) return;
    this.collecting = undefined;
    const data = Buffer.concat(c.parts);
    if (c.meta === 'file') this.files.set(c.name, data);
    else if (c.meta === 'longName') this.nextName = cString(data);
    else if (c.meta === 'longLink') this.nextLink = cString(data);
    else {
      const pax = parsePax(data);
      if (pax.path !== undefined) this.nextName = pax.path;
      if (pax.linkpath !== undefined) this.nextLink = pax.linkpath;
    }
  }

  private header(block: Buffer): void {
    if (block.every((b) => b === 0)) return;
    const header = readHeader(block, this.source);
    const padded = Math.ceil(header.size / BLOCK) * BLOCK;
    const meta: Meta | undefined = header.type === 'x' ? 'pax' : header.type === 'L' ? 'longName' : header.type === 'K' ? 'longLink' : undefined;
    if (meta) {
      if (header.size > MAX_META_BYTES) throw new ChartPackageError(`chart ${this.source} has a tar header of ${header.size} bytes: not a chart package`);
      this.collecting = { meta, name: '', left: header.size, parts: [] };
    } else if (header.type !== 'g') {
      const name = this.nextName ?? header.name;
      this.entry(name, this.nextLink ?? header.linkname, header.type);
      if (REGULAR.has(header.type) && this.keep?.(name)) this.collecting = { meta: 'file', name, left: header.size, parts: [] };
      this.nextName = undefined;
      this.nextLink = undefined;
    }
    this.skip = padded;
    if (padded === 0) this.finishCollect();
  }

  private entry(name: string, linkname: string, type: string): void {
    this.entries++;
    const problem = escapes(name);
    if (problem) throw new ChartPackageError(`chart ${this.source} contains ${JSON.stringify(name)}, ${problem}: refused, the package could write outside its folder`);
    // Symbolic (2) and hard (1) links: the target, seen from the entry's folder, must stay inside too.
    if (type === '1' || type === '2') {
      const target = type === '2' ? posix.join(posix.dirname(name.replace(/\\/g, '/')), linkname.replace(/\\/g, '/')) : linkname;
      const linkProblem = escapes(target) ?? (posix.isAbsolute(linkname) ? 'an absolute path' : undefined);
      if (linkProblem) throw new ChartPackageError(`chart ${this.source} contains a link ${JSON.stringify(name)} to ${JSON.stringify(linkname)}, ${linkProblem}: refused`);
    }
  }
}

const DRIVE = /^[a-zA-Z]:/;

/** Why a path leaves the archive's root, or undefined when it stays inside. */
export function escapes(name: string): string | undefined {
  const path = name.replace(/\\/g, '/');
  if (path.startsWith('/')) return 'an absolute path';
  if (DRIVE.test(path)) return 'a path with a drive letter';
  const normal = posix.normalize(path);
  if (normal === '..' || normal.startsWith('../')) return 'a path that climbs out of the archive';
  return undefined;
}

function readHeader(block: Buffer, source: string): Header {
  const stored = octal(block.subarray(148, 156));
  // The checksum is the sum of the header's bytes with its own field read as spaces; some old
  // writers summed signed bytes, which readers accept too.
  let sum = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
    sum += b;
    signed += b > 127 ? b - 256 : b;
  }
  if (stored !== sum && stored !== signed) throw new ChartPackageError(`chart ${source} is not a tar archive (bad header checksum): check the chart URL in the index`);
  const name = cString(block.subarray(0, 100));
  const prefix = block.subarray(257, 262).toString('latin1') === 'ustar' ? cString(block.subarray(345, 500)) : '';
  return {
    name: prefix ? `${prefix}/${name}` : name,
    linkname: cString(block.subarray(157, 257)),
    size: size(block.subarray(124, 136)),
    type: String.fromCharCode(block[156] ?? 0),
  };
}

function cString(field: Buffer): string {
  const nul = field.indexOf(0);
  return field.subarray(0, nul === -1 ? field.length : nul).toString('utf8');
}

function octal(field: Buffer): number {
  const text = cString(field).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function size(field: Buffer): number {
  // GNU base-256 encoding for sizes over 8 GiB: high bit of the first byte set.
  if (((field[0] ?? 0) & 0x80) !== 0) {
    let n = 0;
    for (let i = 1; i < field.length; i++) n = n * 256 + (field[i] ?? 0);
    return n;
  }
  return octal(field);
}

/** PAX records: "<length> <key>=<value>\n". */
function parsePax(data: Buffer): { path?: string; linkpath?: string } {
  const out: { path?: string; linkpath?: string } = {};
  let rest = data;
  while (rest.length > 0) {
    const space = rest.indexOf(0x20);
    const length = parseInt(rest.subarray(0, space).toString('latin1'), 10);
    if (space === -1 || !Number.isFinite(length) || length <= space) break;
    const record = rest.subarray(space + 1, length).toString('utf8').replace(/\n$/, '');
    const eq = record.indexOf('=');
    const key = record.slice(0, eq);
    if (key === 'path' || key === 'linkpath') out[key] = record.slice(eq + 1);
    rest = rest.subarray(length);
  }
  return out;
}
