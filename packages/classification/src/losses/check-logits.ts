import { ShapeError, SpikedistillError, type tf } from '@spikedistill/core';

/**
 * Logits [N, K] against integer labels [N]. An image-shaped prediction
 * means a restoration backbone was trained on classification data: say so.
 */
export function checkLogitsAndLabels(where: string, logits: tf.Tensor, labels: tf.Tensor): void {
  if (logits.rank !== 2) {
    throw new SpikedistillError(
      'E_SHAPE',
      `${where}: expected logits [N, classes], got [${logits.shape.join(', ')}]` +
        (logits.rank === 4
          ? ' (an image: the model is a restoration backbone; classification needs a classifier such as spiking-vgg, spiking-resnet, vgg or resnet)'
          : ''),
    );
  }
  if (labels.rank !== 1 || labels.shape[0] !== logits.shape[0]) {
    throw new ShapeError(
      `${where}: labels`,
      `[${logits.shape[0]}] (one per row of the logits)`,
      labels.shape,
    );
  }
  if (labels.dtype !== 'int32') {
    throw new SpikedistillError(
      'E_SHAPE',
      `${where}: labels must be int32 class indices, got dtype ${labels.dtype}`,
    );
  }
}

/** Labels outside [0, classes) would silently count as no class at all: refuse them. */
export function checkLabelRange(where: string, labels: ArrayLike<number>, classes: number): void {
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (!(y >= 0 && y < classes)) {
      throw new SpikedistillError(
        'E_SHAPE',
        `${where}: label ${y} at position ${i} is not a class index in [0, ${classes})`,
      );
    }
  }
}
