import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project's shared folder (`../shared` beside the repository: data sets
 * and pretrained teachers), or undefined where it is absent. Looked for
 * above the working directory and above this file.
 */
export function findShared(
  env: Record<string, string | undefined> = process.env,
): string | undefined {
  if (env['SPIKEDISTILL_SHARED']) return resolve(env['SPIKEDISTILL_SHARED']);
  for (const start of [process.cwd(), dirname(fileURLToPath(import.meta.url))]) {
    let dir = resolve(start);
    for (;;) {
      const candidate = join(dir, 'shared');
      if (existsSync(join(candidate, 'teachers'))) return candidate;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return undefined;
}
