import { access, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Lock files a killed git left behind. Safe to delete: the clone is private to this process and the
 * caller holds its lock, so no live git can own them.
 */
export async function removeStaleLocks(gitDir: string): Promise<void> {
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith('.lock')) await unlink(path).catch(() => undefined);
    }
  };
  for (const name of ['index.lock', 'HEAD.lock', 'packed-refs.lock', 'shallow.lock', 'config.lock']) {
    await unlink(join(gitDir, name)).catch(() => undefined);
  }
  await walk(join(gitDir, 'refs'));
}
