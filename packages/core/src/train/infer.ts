import type { Backbone } from '../contracts/backbone.js';
import { tf } from '../tf.js';
import { padToMultiple } from './pad.js';

export interface InferOptions {
  /**
   * Memory one forward pass may take, in bytes (default 1 GiB; the wasm
   * heap is capped at 4 GiB). Images whose forward would need more are
   * restored in overlapping tiles.
   */
  memoryBudget?: number;
  /** Pixels of context each tile has beyond the part it contributes (default 32, as KAIR's test mode). */
  overlap?: number;
  /** Told how many tiles an image was cut into (1: whole). */
  onTiles?: (tiles: number) => void;
}

const roundUp = (n: number, m: number) => Math.ceil(n / m) * m;
const PROBE_SIDE = 64;
const bytesPerPixelCache = new WeakMap<Backbone, number>();

/**
 * Bytes a forward pass of `model` holds per input pixel at its peak,
 * measured once on a small image (what the model keeps alive between
 * layers, whatever the architecture).
 */
export async function forwardBytesPerPixel(model: Backbone): Promise<number> {
  const cached = bytesPerPixelCache.get(model);
  if (cached !== undefined) return cached;
  const side = roundUp(PROBE_SIDE, model.sizeMultiple);
  const x = tf.zeros([1, side, side, model.inputChannels]);
  const before = tf.memory().numBytes;
  const info = await tf.profile(() => {
    tf.tidy(() => {
      model.forward(x, { training: false });
    });
  });
  x.dispose();
  // Twice the measured peak: room for the working buffers kernels allocate outside tensors.
  const perPixel = (2 * Math.max(0, info.peakBytes - before)) / (side * side);
  bytesPerPixelCache.set(model, perPixel);
  return perPixel;
}

/**
 * Restores one image [1, H, W, C] (padded to the model's size multiple,
 * cropped back, clipped to [0, 1]). Above the memory budget it runs in
 * overlapping tiles, each contributing only its centre: for a fully
 * convolutional model whose receptive field is within the overlap the
 * result equals the whole-image forward. The caller owns the result.
 */
export async function restoreImage(
  model: Backbone,
  input: tf.Tensor4D,
  options: InferOptions = {},
): Promise<tf.Tensor4D> {
  const [, h, w] = input.shape;
  const budget = options.memoryBudget ?? 2 ** 30;
  const maxPixels = Math.floor(budget / Math.max(1, await forwardBytesPerPixel(model)));
  if (h * w <= maxPixels) {
    options.onTiles?.(1);
    return forwardWhole(model, input);
  }
  const m = model.sizeMultiple;
  const overlap = roundUp(options.overlap ?? 32, m);
  const side = Math.floor(Math.sqrt(maxPixels));
  // A tile contributes at least as much as its context, or tiling costs more than it saves.
  const core = Math.max(roundUp(overlap, m), Math.floor((side - 2 * overlap) / m) * m);
  options.onTiles?.(Math.ceil(h / core) * Math.ceil(w / core));
  const c = model.outputChannels;
  const out = new Float32Array(h * w * c);
  for (let y0 = 0; y0 < h; y0 += core) {
    for (let x0 = 0; x0 < w; x0 += core) {
      const y1 = Math.min(h, y0 + core);
      const x1 = Math.min(w, x0 + core);
      // The tile: the core plus `overlap` of context where the image has it.
      const ty0 = Math.max(0, y0 - overlap);
      const tx0 = Math.max(0, x0 - overlap);
      const ty1 = Math.min(h, y1 + overlap);
      const tx1 = Math.min(w, x1 + overlap);
      const tile = tf.tidy(() =>
        forwardWhole(model, tf.slice(input, [0, ty0, tx0, 0], [1, ty1 - ty0, tx1 - tx0, -1])),
      );
      const data = tile.dataSync();
      tile.dispose();
      const tw = tx1 - tx0;
      for (let y = y0; y < y1; y++) {
        const src = ((y - ty0) * tw + (x0 - tx0)) * c;
        out.set(data.subarray(src, src + (x1 - x0) * c), (y * w + x0) * c);
      }
    }
  }
  return tf.tensor4d(out, [1, h, w, c]);
}

function forwardWhole(model: Backbone, input: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const { padded, crop } = padToMultiple(input, model.sizeMultiple);
    const { output } = model.forward(padded, { training: false });
    padded.dispose();
    return tf.clipByValue(crop(output as tf.Tensor4D), 0, 1);
  });
}
