import { definePlugin, type Loss, ShapeError, tf } from '@spikedistill/core';
import { z } from 'zod';

export const klDivOptions = z.object({
  weight: z.number().nonnegative().default(1).describe('Factor of this term in a composite loss'),
  temperature: z
    .number()
    .positive()
    .default(4)
    .describe('Softmax temperature τ of both distributions'),
  scale: z
    .boolean()
    .default(true)
    .describe('Multiply by τ² (Hinton et al.: keeps gradients comparable across temperatures)'),
});

/**
 * Knowledge-distillation loss of Hinton et al. (2015) between student and
 * teacher logits [N, K]:
 *
 *     L = τ² · (1/N) Σₙ KL(pₙ ‖ qₙ),  p = softmax(teacher/τ), q = softmax(student/τ)
 *
 * (τ² dropped with `scale: false`), PyTorch's `kl_div(log q, p,
 * reduction='batchmean')`. Gradients reach both arguments; a frozen teacher
 * just has no variables on the tape.
 */
export function klDivergence(
  student: tf.Tensor,
  teacher: tf.Tensor,
  temperature = 1,
  scale = true,
): tf.Scalar {
  const same =
    student.shape.length === teacher.shape.length &&
    student.shape.every((d, i) => d === teacher.shape[i]);
  if (student.rank !== 2 || !same) {
    throw new ShapeError(
      'kl-div: student and teacher logits',
      `both [N, classes], equal (teacher is [${teacher.shape.join(', ')}])`,
      student.shape,
    );
  }
  return tf.tidy(() => {
    const logq = tf.logSoftmax(tf.div(student, temperature) as tf.Tensor2D);
    const logp = tf.logSoftmax(tf.div(teacher, temperature) as tf.Tensor2D);
    const kl = tf.mean(tf.sum(tf.mul(tf.exp(logp), tf.sub(logp, logq)), 1));
    return (scale ? tf.mul(kl, temperature * temperature) : kl) as tf.Scalar;
  });
}

export const klDivLoss = definePlugin({
  kind: 'loss',
  name: 'kl-div',
  description:
    'Hinton KD: τ²·KL(softmax(target/τ) ‖ softmax(prediction/τ)), mean over N; prediction = student logits, target = teacher logits.',
  options: klDivOptions,
  meta: { target: 'logits' },
  create: ({ weight, temperature, scale }): Loss => ({
    name: 'kl-div',
    weight,
    compute: (student, teacher) => klDivergence(student, teacher, temperature, scale),
  }),
});
