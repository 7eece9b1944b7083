import * as tf from '@tensorflow/tfjs-core';
// The reference backend, registered as tfjs's own packages do on import, so
// tensors work before any backend is selected. The others load on activation.
import '@tensorflow/tfjs-backend-cpu';
// Gradients and chained ops (see tfjs-registrations.ts), into this same
// engine: checked by tf.test.ts.
import '#tfjs-registrations';

export { tf };
export type { Tensor, Variable } from '@tensorflow/tfjs-core';
