import { SpikedistillError, type tf } from '@spikedistill/core';

export function checkSameShape(matcher: string, s: tf.Tensor, t: tf.Tensor): void {
  if (s.shape.join() !== t.shape.join()) {
    throw new SpikedistillError(
      'E_SHAPE',
      `${matcher} hint: student feature [${s.shape}] and teacher feature [${t.shape}] differ; ` +
        'use an adapter for channels, and pair taps of the same scale',
    );
  }
}
