import { z } from 'zod';
import { definePlugin } from '../plugin.js';
import { tf } from '../tf.js';
import { type NamedVariable, type Optimizer, SlotOptimizer } from './optimizer.js';

const adamOptions = z.object({
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.999),
  /** tfjs's float32 epsilon, as the trainer used before optimisers were plugins (PyTorch: 1e-8). */
  epsilon: z.number().positive().max(1).default(1e-7),
  weightDecay: z.number().min(0).max(1).default(0),
});
type AdamOptions = z.output<typeof adamOptions>;

/**
 * Adam (Kingma & Ba 2015); with `decoupled` weight decay it is AdamW
 * (Loshchilov & Hutter 2019), otherwise weight decay is an L2 term added to
 * the gradient as in torch.optim.Adam. Bias corrections are computed in
 * double precision from the step count, so a restored run continues exactly.
 */
class Adam extends SlotOptimizer {
  constructor(
    readonly name: string,
    private readonly o: AdamOptions,
    private readonly decoupled: boolean,
  ) {
    super();
    this.counters.step = 0;
  }

  apply(params: readonly NamedVariable[], grads: ReadonlyMap<string, tf.Tensor>, lr: number): void {
    const t = (this.counters.step ?? 0) + 1;
    this.counters.step = t;
    const { beta1, beta2, epsilon, weightDecay } = this.o;
    const bc1 = 1 - beta1 ** t;
    const bc2 = 1 - beta2 ** t;
    for (const [name, p] of params) {
      const g0 = grads.get(name);
      if (!g0) continue;
      const m = this.slot(name, 'm', p);
      const v = this.slot(name, 'v', p);
      tf.tidy(() => {
        const g = !this.decoupled && weightDecay > 0 ? tf.add(g0, tf.mul(p, weightDecay)) : g0;
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
        v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
        const update = tf.div(tf.div(m, bc1), tf.add(tf.sqrt(tf.div(v, bc2)), epsilon));
        const decayed = this.decoupled && weightDecay > 0 ? tf.mul(p, 1 - lr * weightDecay) : p;
        p.assign(tf.sub(decayed, tf.mul(update, lr)));
      });
    }
  }
}

export const adamOptimizer = definePlugin({
  kind: 'optimizer',
  name: 'adam',
  description: 'Adam; weightDecay adds an L2 term to the gradient (torch.optim.Adam)',
  options: adamOptions,
  create: (o): Optimizer => new Adam('adam', o, false),
});

export const adamwOptimizer = definePlugin({
  kind: 'optimizer',
  name: 'adamw',
  description: 'AdamW: Adam with decoupled weight decay (torch.optim.AdamW)',
  options: adamOptions.extend({ weightDecay: z.number().min(0).max(1).default(0.01) }),
  create: (o): Optimizer => new Adam('adamw', o, true),
});

/** Adam with its default options: the optimiser when a trainer is given none. */
export const defaultOptimizer = (): Optimizer => new Adam('adam', adamOptions.parse({}), false);
