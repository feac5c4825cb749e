// Crash-safe file replacement: write a temp file in the same folder, fsync it, rename it over
// the target, fsync the folder. Until the rename the old file is untouched; after it the new
// one is complete. Used for sessions and for every rendered deliverable.
import fs from 'node:fs';
import path from 'node:path';

export function tempPathFor(target: string): string {
  const dir = path.dirname(target);
  return path.join(dir, `.${path.basename(target)}.tmp-${process.pid}-${Date.now().toString(36)}`);
}

export function fsyncDir(dir: string): void {
  let fd = -1;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic there.
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}

/** Moves a finished temp file into place, keeping the previous version as `.bak` if asked. */
export function commitTemp(temp: string, target: string, keepBackup: boolean): void {
  if (keepBackup && fs.existsSync(target)) {
    // A hard link keeps the old bytes under .bak without a window where target is missing.
    const bak = `${target}.bak`;
    fs.rmSync(bak, { force: true });
    try {
      fs.linkSync(target, bak);
    } catch {
      fs.copyFileSync(target, bak);
    }
  }
  fs.renameSync(temp, target);
  fsyncDir(path.dirname(target));
}

export function writeFileAtomic(target: string, data: string | Uint8Array, opts: { backup?: boolean } = {}): void {
  const temp = tempPathFor(target);
  let fd = -1;
  try {
    fd = fs.openSync(temp, 'wx', 0o644);
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = -1;
    commitTemp(temp, target, opts.backup ?? false);
  } catch (e) {
    if (fd >= 0) fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw e;
  }
}
