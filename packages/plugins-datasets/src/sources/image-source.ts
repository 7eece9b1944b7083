import type { Image } from '../image/image.js';

/**
 * What an `images` plugin creates: a fixed, ordered collection of images,
 * loaded on demand. Folders, the benchmark presets and the procedural
 * generator all look like this, so a dataset can pair any of them with any
 * noise model.
 */
export interface ImageSource {
  /** Short name used in reports and eval set names, e.g. `BSD68`. */
  readonly name: string;
  readonly size: number;
  /** 1 or 3: every image this source returns has this many channels. */
  readonly channels: number;
  /** Per image: a file path relative to the source (or a generated label), in load order. */
  readonly names: readonly string[];
  /** Where the images live (a folder), if they are files. */
  readonly location?: string;
  load(index: number): Promise<Image>;
}

/** Loads every image, `concurrency` files in flight at a time. */
export async function loadAll(source: ImageSource, concurrency = 16): Promise<Image[]> {
  const out: Image[] = new Array(source.size);
  let next = 0;
  const worker = async () => {
    while (next < source.size) {
      const i = next++;
      out[i] = await source.load(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, source.size) }, worker));
  return out;
}
