import { type Rng, tf } from '@spikedistill/core';

/**
 * He (Kaiming) normal initialisation, std = gain / sqrt(fan_in): keeps the
 * activation variance of ReLU stacks steady. Drawn from the plugin's own
 * seeded stream, so a seed gives the same model.
 */
export function kaimingNormal(
  rng: Rng,
  shape: number[],
  fanIn: number,
  gain = Math.SQRT2,
): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = rng.fillNormal(new Float32Array(size), 0, gain / Math.sqrt(fanIn));
  return tf.tensor(data, shape, 'float32');
}

/** PyTorch's default for conv and linear layers: U(±1/√fan_in), for the weight and the bias alike. */
export function torchUniform(rng: Rng, shape: number[], fanIn: number): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const bound = 1 / Math.sqrt(fanIn);
  return tf.tensor(rng.fillUniform(new Float32Array(size), -bound, bound), shape, 'float32');
}
