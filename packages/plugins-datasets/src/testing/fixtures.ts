import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRegistry, Rng } from '@spikedistill/core';
import type { Image } from '../image/image.js';
import { writePngSync } from '../image/write-png.js';
import { register } from '../index.js';
import { dataRootCandidates } from '../sources/data-root.js';
import { presetSpec, resolvePreset } from '../sources/presets.js';

export const makeRegistry = (seed = 1) =>
  createRegistry({ seed, packages: [{ name: 'plugins-datasets', register }] });

export function tempDir(prefix = 'spikedistill-datasets-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A random image with values on the 8-bit grid, so it survives a PNG round trip exactly. */
export function randomImage(height: number, width: number, channels: number, seed = 0): Image {
  const rng = new Rng(seed);
  const data = new Float32Array(height * width * channels);
  for (let i = 0; i < data.length; i++) data[i] = rng.int(0, 256) / 255;
  return { data, height, width, channels };
}

/** A folder of `count` random PNGs (`img000.png`, …). */
export function pngFolder(
  count: number,
  opts: { height?: number; width?: number; channels?: number; dir?: string } = {},
): string {
  const dir = opts.dir ?? tempDir();
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const image = randomImage(opts.height ?? 40, opts.width ?? 36, opts.channels ?? 1, i);
    writePngSync(join(dir, `img${String(i).padStart(3, '0')}.png`), image);
  }
  return dir;
}

/** The shared benchmark folder if this checkout has it (presets' tests skip without it). */
export function sharedDataRoot(): string | undefined {
  const spec = presetSpec('Set12')!;
  for (const c of dataRootCandidates()) {
    try {
      resolvePreset(spec, { root: c.dir });
      return c.dir;
    } catch {}
  }
  return undefined;
}
