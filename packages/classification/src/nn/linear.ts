import { Module, type Rng, ShapeError, tf } from '@spikedistill/core';
import { torchUniform } from '@spikedistill/nn';

/**
 * Fully connected layer, `x` [N, in] → [N, out], weight [in, out], bias
 * [out], initialised as PyTorch's `nn.Linear` (U(±1/√in) for both). The
 * weight goes through the module's weight transform, so a ternary
 * quantiser reaches the classifier head too.
 */
export class Linear extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;

  constructor(
    rng: Rng,
    readonly inFeatures: number,
    readonly outFeatures: number,
  ) {
    super();
    this.weight = this.param('weight', torchUniform(rng, [inFeatures, outFeatures], inFeatures));
    this.bias = this.param('bias', torchUniform(rng, [outFeatures], inFeatures));
  }

  forward(x: tf.Tensor): tf.Tensor2D {
    if (x.rank !== 2 || x.shape[1] !== this.inFeatures) {
      throw new ShapeError('Linear', `[N, ${this.inFeatures}]`, x.shape);
    }
    return tf.tidy(() =>
      tf.add(tf.matMul(x as tf.Tensor2D, this.use(this.weight) as tf.Tensor2D), this.bias),
    );
  }
}
