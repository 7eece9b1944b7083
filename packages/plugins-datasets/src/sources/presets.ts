import { join } from 'node:path';
import { definePlugin, filePath, type Plugin } from '@spikedistill/core';
import { z } from 'zod';
import { DatasetError } from '../errors.js';
import { listImages } from './list-images.js';
import { dataRootCandidates, DATA_ENV, type DataRootOptions } from './data-root.js';
import { colorOption, folderSource } from './folder.js';
import type { ImageSource } from './image-source.js';

/** A standard benchmark set: where it sits under the data root and what a complete copy holds. */
export interface PresetSpec {
  name: string;
  folder: string;
  count: number;
  channels: 1 | 3;
  files: string;
  description: string;
}

/** Counts and channels as listed in ../shared/datasets/README.md. */
export const PRESETS: readonly PresetSpec[] = [
  {
    name: 'Set12',
    folder: 'Set12',
    count: 12,
    channels: 1,
    files: '01.png..12.png',
    description: '12 classic gray test images (DnCNN)',
  },
  {
    name: 'BSD68',
    folder: 'BSD68',
    count: 68,
    channels: 1,
    files: 'test001.png..test068.png',
    description: '68 gray Berkeley test images (Roth & Black)',
  },
  {
    name: 'CBSD68',
    folder: 'CBSD68',
    count: 68,
    channels: 3,
    files: '<BSD id>.png',
    description: 'the 68 Berkeley test images in colour',
  },
  {
    name: 'Kodak24',
    folder: 'Kodak24',
    count: 24,
    channels: 3,
    files: 'kodim01.png..kodim24.png',
    description: 'Kodak PhotoCD images, 768x512',
  },
  {
    name: 'Kodak24_center500',
    folder: 'Kodak24_center500',
    count: 24,
    channels: 3,
    files: 'kodim01.png..kodim24.png',
    description: 'Kodak 500x500 centre crops (FFDNet numbers)',
  },
  {
    name: 'McMaster',
    folder: 'McMaster',
    count: 18,
    channels: 3,
    files: '1.tif..18.tif',
    description: '18 McMaster colour images, 500x500 TIFF',
  },
  {
    name: 'Train400',
    folder: 'Train400',
    count: 400,
    channels: 1,
    files: 'test_001.png..test_400.png',
    description: "DnCNN's 400 gray 180x180 training crops",
  },
];

export function presetSpec(name: string): PresetSpec | undefined {
  return PRESETS.find((p) => p.name === name);
}

/**
 * Finds a preset's folder and checks it is complete. The error lists every
 * folder that was tried and what a complete copy holds, so a user can fix
 * the path or the download without reading code.
 */
export function resolvePreset(spec: PresetSpec, options: DataRootOptions = {}): string {
  const candidates = dataRootCandidates(options);
  const looked: string[] = [];
  for (const { dir, why } of candidates) {
    const setDir = join(dir, spec.folder);
    let count: number;
    try {
      count = listImages(setDir, false).length;
    } catch {
      looked.push(`${setDir} (${why}): missing or empty`);
      continue;
    }
    if (count !== spec.count) {
      throw new DatasetError(
        `Preset ${spec.name} at ${setDir} (${why}) is incomplete: found ${count} image(s), expected ${spec.count} (${spec.files}). ` +
          'Restore the missing files, or read the folder as it is with the `folder` plugin.',
      );
    }
    return setDir;
  }
  const where = looked.length
    ? `Looked in: ${looked.join('; ')}.`
    : 'No data root was found: no shared/datasets or datasets folder above the working directory, and no root option or environment variable.';
  throw new DatasetError(
    `Preset ${spec.name} not found (expected a folder ${spec.folder}/ with ${spec.count} images, ${spec.files}). ${where} ` +
      `Set the root option or $${DATA_ENV} to the folder that contains ${spec.folder}/.`,
  );
}

/** An `images` plugin named after the preset; the folder is found and verified at create time. */
export function presetPlugin(
  spec: PresetSpec,
): Plugin<'images', { root?: string | undefined; color: 'auto' | 'gray' | 'rgb' }, ImageSource> {
  return definePlugin({
    kind: 'images',
    name: spec.name,
    description: `${spec.description}; resolved against the data root`,
    meta: { count: spec.count, channels: spec.channels, folder: spec.folder },
    options: z.object({
      root: filePath('folder')
        .optional()
        .describe(
          `Folder holding ${spec.folder}/ (default: $${DATA_ENV}, else shared/datasets above the working directory)`,
        ),
      color: colorOption,
    }),
    create: (options): ImageSource => {
      const dir = resolvePreset(spec, { root: options.root });
      const color =
        options.color === 'auto' ? (spec.channels === 1 ? 'gray' : 'rgb') : options.color;
      return folderSource({ dir, color, name: spec.name });
    },
  });
}

export const presets = PRESETS.map(presetPlugin);
