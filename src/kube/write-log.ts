// What this process last wrote to each object: its resourceVersion after the write. The informer's
// copy shows such a write only once the watch delivers it, moments later (seconds under load, up
// to a reconnect after a dropped watch); a reconcile run in between would decide from the status
// before it. With this log, a reconcile reads the object through exactly when its copy may be that
// old, and an object this process never wrote, or whose write the cache shows, costs no request.

export class WriteLog {
  private readonly versions = new Map<string, string>();

  /** `path`: the object's API path (objectPath), the same for the writer and the reader. */
  wrote(path: string, resourceVersion: string | undefined): void {
    if (resourceVersion) this.versions.set(path, resourceVersion);
  }

  /** Whether a copy at `resourceVersion` may predate this process's last write to `path`. */
  mayPredate(path: string, resourceVersion: string | undefined): boolean {
    const written = this.versions.get(path);
    if (written === undefined) return false;
    if (written !== resourceVersion) return true;
    this.versions.delete(path);
    return false;
  }

  /** The object was read from the API server (as new as any write of ours) or is gone. */
  forget(path: string): void {
    this.versions.delete(path);
  }
}
