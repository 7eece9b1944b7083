import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { definePlugin } from '../plugin.js';
import { tf } from '../tf.js';
import { type NamedVariable, type Optimizer, SlotOptimizer } from './optimizer.js';

const sgdOptions = z.object({
  momentum: z.number().min(0).lt(1).default(0),
  dampening: z.number().min(0).max(1).default(0),
  nesterov: z.boolean().default(false),
  weightDecay: z.number().min(0).max(1).default(0),
});
type SgdOptions = z.output<typeof sgdOptions>;

/**
 * Stochastic gradient descent with momentum and Nesterov momentum, with the
 * update rule of torch.optim.SGD (the buffer starts as the first gradient).
 */
class Sgd extends SlotOptimizer {
  readonly name = 'sgd';
  constructor(private readonly o: SgdOptions) {
    super();
  }

  apply(params: readonly NamedVariable[], grads: ReadonlyMap<string, tf.Tensor>, lr: number): void {
    const { momentum, dampening, nesterov, weightDecay } = this.o;
    for (const [name, p] of params) {
      const g0 = grads.get(name);
      if (!g0) continue;
      const first = momentum > 0 && !this.hasSlot(name, 'momentum');
      const buf = momentum > 0 ? this.slot(name, 'momentum', p) : undefined;
      tf.tidy(() => {
        let g = weightDecay > 0 ? tf.add(g0, tf.mul(p, weightDecay)) : g0;
        if (buf) {
          buf.assign(first ? tf.clone(g) : tf.add(tf.mul(buf, momentum), tf.mul(g, 1 - dampening)));
          g = nesterov ? tf.add(g, tf.mul(buf, momentum)) : buf;
        }
        p.assign(tf.sub(p, tf.mul(g, lr)));
      });
    }
  }
}

export const sgdOptimizer = definePlugin({
  kind: 'optimizer',
  name: 'sgd',
  description: 'SGD with optional (Nesterov) momentum and L2 weight decay (torch.optim.SGD)',
  options: sgdOptions,
  create: (o): Optimizer => {
    if (o.nesterov && (o.momentum === 0 || o.dampening !== 0))
      throw new ConfigError('sgd: Nesterov momentum needs momentum > 0 and dampening 0');
    return new Sgd(o);
  },
});
