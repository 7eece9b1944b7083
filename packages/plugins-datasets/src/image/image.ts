/**
 * A decoded image: row-major HWC float32 samples in [0, 1]. Every loader,
 * generator and noise model in this package speaks this one representation,
 * so converting to tensors is a single copy at the very end.
 */
export interface Image {
  data: Float32Array;
  height: number;
  width: number;
  /** 1 (gray) or 3 (RGB). */
  channels: number;
  /** Where it came from: a file path, or a label such as `procedural:3`. */
  source?: string;
}

export type Channels = 1 | 3;

export function createImage(
  height: number,
  width: number,
  channels: number,
  source?: string,
): Image {
  return { data: new Float32Array(height * width * channels), height, width, channels, source };
}

/** A deep copy (the data is not shared). */
export function cloneImage(image: Image): Image {
  return { ...image, data: image.data.slice() };
}
