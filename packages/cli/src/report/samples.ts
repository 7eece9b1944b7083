import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Backbone, type EvalSet, type Metric, padToMultiple, tf } from '@spikedistill/core';
import { writePng } from '@spikedistill/plugins-datasets';

/**
 * `samples/index.json` in a run folder: a few test images as PNGs — clean,
 * noisy, the teacher's and the student's outputs — with each output's PSNR
 * and the zoom window the report enlarges (the same window for every panel
 * of an image, so the models are compared on the same pixels).
 */
export interface SamplesIndex {
  set: string;
  images: SampleImage[];
}

export interface SampleImage {
  name: string;
  width: number;
  height: number;
  crop: { x: number; y: number; size: number };
  panels: Array<{ role: 'clean' | 'noisy' | 'teacher' | 'student'; file: string; psnr?: number }>;
}

/**
 * Runs the models on the first `count` images of `set` and writes
 * `samples/` (PNGs + index.json) into `runDir`. Restoration only: a set
 * whose targets are not images yields no samples (undefined).
 */
export async function writeSamples(options: {
  runDir: string;
  set: EvalSet;
  student: Backbone;
  teacher?: Backbone;
  psnr?: Metric;
  count: number;
}): Promise<SamplesIndex | undefined> {
  const { runDir, set, student, teacher, psnr, count } = options;
  const images: SampleImage[] = [];
  for await (const item of set.items()) {
    if (item.target.rank !== 4) {
      tf.dispose([item.input, item.target]);
      return undefined;
    }
    if (images.length >= count) {
      tf.dispose([item.input, item.target]);
      break;
    }
    const target = item.target as tf.Tensor4D;
    const [, height, width] = target.shape;
    const stem = `${String(images.length + 1).padStart(2, '0')}-${safe(item.name)}`;
    const panels: SampleImage['panels'] = [];
    const save = async (role: SampleImage['panels'][number]['role'], image: tf.Tensor4D) => {
      const file = `${stem}-${role}.png`;
      const [, h, w, c] = image.shape;
      await writePng(join(runDir, 'samples', file), {
        data: (await image.data()) as Float32Array,
        height: h,
        width: w,
        channels: c,
      });
      panels.push({
        role,
        file,
        psnr: role === 'clean' || !psnr ? undefined : psnr.compute(image, target),
      });
    };
    await save('clean', target);
    await save('noisy', item.input);
    for (const [role, model] of [
      ['teacher', teacher],
      ['student', student],
    ] as const) {
      if (!model) continue;
      const output = restore(model, item.input);
      await save(role, output);
      output.dispose();
    }
    images.push({ name: item.name, width, height, crop: detailWindow(target), panels });
    tf.dispose([item.input, item.target]);
  }
  const index: SamplesIndex = { set: set.name, images };
  writeFileSync(join(runDir, 'samples', 'index.json'), JSON.stringify(index, null, 2));
  return index;
}

/** The model's output for one image, as evaluation computes it: padded, cropped back, clipped. */
function restore(model: Backbone, input: tf.Tensor4D): tf.Tensor4D {
  const wasTraining = model.training;
  model.eval();
  try {
    return tf.tidy(() => {
      const { padded, crop } = padToMultiple(input, model.sizeMultiple);
      const { output } = model.forward(padded, { training: false });
      return tf.clipByValue(crop(output as tf.Tensor4D), 0, 1) as tf.Tensor4D;
    });
  } finally {
    model.resetState();
    model.train(wasTraining);
  }
}

/**
 * The square window (a quarter of the shorter side, at least 16 px) with the
 * most detail in the clean image — the highest variance — where restoration
 * differences show. Chosen from the clean image only, so every run of an
 * ablation zooms on the same pixels.
 */
export function detailWindow(clean: tf.Tensor4D): { x: number; y: number; size: number } {
  const [, height, width] = clean.shape;
  const size = Math.min(height, width, Math.max(16, Math.round(Math.min(height, width) / 4)));
  const stride = Math.max(1, Math.floor(size / 2));
  const variance = tf.tidy(() => {
    const gray = tf.mean(clean, 3, true) as tf.Tensor4D;
    const mean = tf.avgPool(gray, size, stride, 'valid');
    const meanSq = tf.avgPool(tf.square(gray) as tf.Tensor4D, size, stride, 'valid');
    return tf.sub(meanSq, tf.square(mean)) as tf.Tensor4D;
  });
  const [, rows, cols] = variance.shape;
  const values = variance.dataSync();
  variance.dispose();
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return { x: (best % cols) * stride, y: Math.floor(best / cols) * stride, size: rows ? size : 0 };
}

const safe = (name: string) => name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 40) || 'image';
