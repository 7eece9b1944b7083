import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { DatasetError } from '../errors.js';

export const IMAGE_EXTENSIONS = ['.png', '.tif', '.tiff'] as const;

const isImageName = (name: string) => {
  const lower = name.toLowerCase();
  return IMAGE_EXTENSIONS.some((ext) => lower.endsWith(ext));
};

/** Byte-wise order (as `LC_ALL=C sort`), the order the standard sets are numbered in. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * Image files under `dir` as paths relative to it ('/'-separated), in
 * byte-wise sorted order so every platform and run sees the same sequence.
 */
export function listImages(dir: string, recursive: boolean): string[] {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(dir);
  } catch {
    throw new DatasetError(`Image folder ${dir} does not exist.`);
  }
  if (!stat.isDirectory())
    throw new DatasetError(`${dir} is not a folder (an image folder was expected).`);
  const found: string[] = [];
  const subfolders: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) {
        if (recursive) walk(full);
        else subfolders.push(entry.name);
      } else if (isImageName(entry.name)) {
        found.push(relative(dir, full).split(sep).join('/'));
      }
    }
  };
  walk(dir);
  if (found.length === 0) {
    const hint =
      !recursive && subfolders.length
        ? ` It has ${subfolders.length} subfolder(s) (${subfolders.slice(0, 3).join(', ')}${subfolders.length > 3 ? ', …' : ''}); set recursive: true to search them.`
        : '';
    throw new DatasetError(
      `No images in folder ${dir}${recursive ? ' or its subfolders' : ''}: expected files ending in ${IMAGE_EXTENSIONS.join(', ')}.${hint}`,
    );
  }
  return found.sort(compareBytes);
}
