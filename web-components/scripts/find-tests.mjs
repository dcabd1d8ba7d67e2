// Tests live beside what they test: the test runners find them by suffix.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Every file below `dirs` whose name ends with `suffix`, sorted. */
export async function findTests(dirs, suffix) {
  const found = [];
  const walk = async (dir) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith(suffix)) found.push(path);
    }
  };
  for (const dir of dirs) await walk(dir);
  return found.sort();
}
