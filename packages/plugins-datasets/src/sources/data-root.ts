import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Environment variable naming the folder that holds the preset sets (Set12/, BSD68/, …). */
export const DATA_ENV = 'SPIKEDISTILL_DATA';

export interface DataRootOptions {
  /** An explicit data root; when given, nothing else is searched. */
  root?: string;
  /** Where the upward search starts (default: the working directory). */
  cwd?: string;
  env?: Record<string, string | undefined>;
}

export interface DataRootCandidate {
  dir: string;
  /** Why this folder was tried, for error messages. */
  why: string;
}

const isDir = (path: string) => existsSync(path) && statSync(path).isDirectory();

function ancestors(start: string): string[] {
  const out: string[] = [];
  let dir = resolve(start);
  for (;;) {
    out.push(dir);
    const parent = dirname(dir);
    if (parent === dir) return out;
    dir = parent;
  }
}

/**
 * The folders a preset may live in, best first: the `root` option, else
 * $SPIKEDISTILL_DATA, else `shared/datasets` or `datasets` in the working
 * directory or any folder above it (inside this repository that finds
 * ../shared/datasets), then the same above this package's install location.
 */
export function dataRootCandidates(options: DataRootOptions = {}): DataRootCandidate[] {
  if (options.root) return [{ dir: resolve(options.root), why: 'the root option' }];
  const env = options.env ?? process.env;
  const fromEnv = env[DATA_ENV];
  if (fromEnv) return [{ dir: resolve(fromEnv), why: `$${DATA_ENV}` }];
  const seen = new Set<string>();
  const out: DataRootCandidate[] = [];
  // This file sits in <package>/{src,dist}/sources; start above the package's own folders.
  const here = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  for (const [start, label] of [
    [options.cwd ?? process.cwd(), 'above the working directory'],
    [here, 'above the package'],
  ] as const) {
    for (const dir of ancestors(start)) {
      for (const sub of ['shared/datasets', 'datasets']) {
        const candidate = join(dir, sub);
        if (seen.has(candidate) || !isDir(candidate)) continue;
        seen.add(candidate);
        out.push({ dir: candidate, why: label });
      }
    }
  }
  return out;
}
