import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node entry registers neither gradients nor chained ops, and its
// per-file ESM sources cannot be loaded by Node (extensionless imports). The
// union package's Node bundle registers both into this same engine (one
// tfjs-core copy, checked by `ENGINE` identity in tf.test.ts).
import '@tensorflow/tfjs';

export { tf };
export type { Tensor, Variable } from '@tensorflow/tfjs-core';
