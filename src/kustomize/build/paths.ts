import { sep } from 'node:path';

/** Whether `path` is `root` or below it (both real, absolute paths). */
export function inside(root: string, path: string): boolean {
  return path === root || path.startsWith(root + sep);
}
