import { basename, join, resolve } from 'node:path';
import { definePlugin, filePath } from '@spikedistill/core';
import { z } from 'zod';
import { readImage, readImageSync } from '../image/read-image.js';
import type { ImageSource } from './image-source.js';
import { listImages } from './list-images.js';

export const colorOption = z
  .enum(['auto', 'gray', 'rgb'])
  .default('auto')
  .describe(
    "'gray' converts RGB with MATLAB rgb2gray weights, 'rgb' repeats gray; 'auto' keeps the first image's",
  );

export type ColorMode = z.infer<typeof colorOption>;

export const folderOptions = z.object({
  dir: filePath('folder').describe(
    'Folder to read (in a config file: relative to the file; in code: to the working directory)',
  ),
  recursive: z.boolean().default(false).describe('Include subfolders'),
  color: colorOption,
  name: z.string().optional().describe('Name in reports (default: the folder name)'),
});

/** As a user writes them: defaults may be left out. */
export type FolderSourceOptions = z.input<typeof folderOptions>;

/**
 * Any folder of PNG/TIFF files. The channel count is fixed when the source is
 * made ('auto' reads the first image), so a mixed folder still yields images
 * of one shape.
 */
export function folderSource(options: FolderSourceOptions): ImageSource {
  const dir = resolve(options.dir);
  const names = listImages(dir, options.recursive ?? false);
  const color = options.color ?? 'auto';
  const channels =
    color === 'gray' ? 1 : color === 'rgb' ? 3 : readImageSync(join(dir, names[0]!)).channels;
  return {
    name: options.name ?? basename(dir),
    size: names.length,
    channels,
    names,
    location: dir,
    load: (index) => {
      const file = names[index];
      if (file === undefined)
        throw new RangeError(`image index ${index} is outside 0..${names.length - 1}`);
      return readImage(join(dir, file), { channels });
    },
  };
}

export const folder = definePlugin({
  kind: 'images',
  name: 'folder',
  description: 'Every PNG/TIFF image in a folder, in byte-wise sorted order',
  options: folderOptions,
  create: (options): ImageSource => folderSource(options),
});
