import type { Backbone, EvalSet } from '@spikedistill/core';
import { padToMultiple, tf } from '@spikedistill/core';
import { type Image, writePng } from '@spikedistill/plugins-datasets';

/**
 * Writes a PNG with one row per image: noisy input | each model's output |
 * clean target, separated by a white gutter — something to look at, not
 * just a number. Writes nothing for a set whose targets are not images
 * (classification labels).
 */
export async function writeComparisonGrid(
  path: string,
  set: EvalSet,
  models: readonly Backbone[],
  count = 3,
): Promise<void> {
  const rows: tf.Tensor3D[][] = [];
  for await (const item of set.items()) {
    // Classification sets pair images with labels: there is no image to show.
    if (item.target.rank !== 4) {
      tf.dispose([item.input, item.target]);
      break;
    }
    const first = rows[0]?.[0];
    // Rows must have equal sizes to be stacked: skip images of another shape.
    if (
      rows.length >= count ||
      (first && first.shape.join() !== item.input.shape.slice(1).join())
    ) {
      tf.dispose([item.input, item.target]);
      if (rows.length >= count) break;
      continue;
    }
    const outputs = models.map((m) =>
      tf.tidy(() => {
        m.eval();
        const { padded, crop } = padToMultiple(item.input, m.sizeMultiple);
        return tf
          .clipByValue(crop(m.forward(padded, { training: false }).output as tf.Tensor4D), 0, 1)
          .squeeze([0]) as tf.Tensor3D;
      }),
    );
    rows.push([
      item.input.squeeze([0]) as tf.Tensor3D,
      ...outputs,
      item.target.squeeze([0]) as tf.Tensor3D,
    ]);
    tf.dispose([item.input, item.target]);
  }
  if (!rows.length) return;
  const image = tf.tidy(() => {
    const gutter = (t: tf.Tensor3D, axis: 0 | 1) => {
      const shape: [number, number, number] = [...t.shape];
      shape[axis] = 4;
      return tf.ones(shape);
    };
    const lines = rows.map((cells) =>
      tf.concat(
        cells.flatMap((c, i) => (i ? [gutter(c, 1), c] : [c])),
        1,
      ),
    );
    return tf.concat(
      lines.flatMap((l, i) => (i ? [gutter(l as tf.Tensor3D, 0), l] : [l])),
      0,
    ) as tf.Tensor3D;
  });
  const [height, width, channels] = image.shape;
  const out: Image = { data: image.dataSync() as Float32Array, height, width, channels };
  tf.dispose([image, ...rows.flat()]);
  await writePng(path, out);
}
