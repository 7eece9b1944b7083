import { SpikedistillError } from '../errors.js';
import { tf } from '../tf.js';

/**
 * A tree of named parameters, buffers and sub-modules (as torch.nn.Module):
 * the one way models, neurons, norms and adapters hold state, so checkpoints,
 * weight import, optimisers and monitors all see the same dotted names
 * (`enc1.conv.weight`, `enc1.bn.runningMean`).
 */
export abstract class Module {
  /** Training mode: batch statistics in norms, surrogate gradients on. */
  training = true;
  private readonly ownParams = new Map<string, tf.Variable>();
  private readonly ownBuffers = new Map<string, tf.Variable>();
  private readonly ownChildren = new Map<string, Module>();
  private weightTransform: WeightTransform | undefined;
  /** Parameters a layer computed with through `use` while a transform was set. */
  private readonly transformedParams = new Set<tf.Variable>();

  /** Adds a trainable parameter initialised from `init` (the module takes ownership of `init`). */
  protected param<R extends tf.Rank>(
    name: string,
    init: tf.Tensor<R>,
    trainable = true,
  ): tf.Variable<R> {
    this.checkFree(name);
    const v = tf.variable(init, trainable);
    init.dispose();
    this.ownParams.set(name, v);
    return v;
  }

  /** Adds non-trainable state that checkpoints keep (e.g. batch-norm running statistics). */
  protected buffer<R extends tf.Rank>(name: string, init: tf.Tensor<R>): tf.Variable<R> {
    this.checkFree(name);
    const v = tf.variable(init, false);
    init.dispose();
    this.ownBuffers.set(name, v);
    return v;
  }

  protected child<M extends Module>(name: string, module: M): M {
    this.checkFree(name);
    this.ownChildren.set(name, module);
    return module;
  }

  /**
   * The value a layer computes with for parameter `v`: the parameter itself,
   * or its transformed version when a transform is set (e.g. ternary
   * quantisation with a straight-through gradient). Layers call this instead
   * of using their weight variables directly.
   */
  protected use<R extends tf.Rank>(v: tf.Variable<R>): tf.Tensor<R> {
    if (!this.weightTransform) return v;
    this.transformedParams.add(v);
    return this.weightTransform(v) as tf.Tensor<R>;
  }

  /**
   * The values the model computes with for each parameter that goes through
   * the weight transform (e.g. its ternary weights), by dotted name; the
   * caller owns the tensors. Empty without a transform, or before a forward
   * pass has used the parameters.
   */
  transformedState(): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>();
    for (const [path, m] of this.modules()) {
      if (!m.weightTransform) continue;
      for (const [name, v] of m.ownParams) {
        if (!m.transformedParams.has(v)) continue;
        const transform = m.weightTransform;
        out.set(
          join(path, name),
          tf.tidy(() => transform(v)),
        );
      }
    }
    return out;
  }

  /** Sets (or with undefined clears) the weight transform of this module and all below it. */
  setWeightTransform(transform: WeightTransform | undefined): this {
    for (const [, m] of this.modules()) m.weightTransform = transform;
    return this;
  }

  /** Sub-modules, depth first, with their dotted paths (`''` is this module). */
  modules(prefix = ''): Array<[string, Module]> {
    const out: Array<[string, Module]> = [[prefix, this]];
    for (const [name, m] of this.ownChildren) out.push(...m.modules(join(prefix, name)));
    return out;
  }

  namedParameters(prefix = ''): Array<[string, tf.Variable]> {
    return this.modules(prefix).flatMap(([path, m]) =>
      [...m.ownParams].map(([n, v]) => [join(path, n), v] as [string, tf.Variable]),
    );
  }

  namedBuffers(prefix = ''): Array<[string, tf.Variable]> {
    return this.modules(prefix).flatMap(([path, m]) =>
      [...m.ownBuffers].map(([n, v]) => [join(path, n), v] as [string, tf.Variable]),
    );
  }

  /** Parameters and buffers by dotted name: what a checkpoint or weight file holds. */
  stateDict(): Map<string, tf.Variable> {
    return new Map([...this.namedParameters(), ...this.namedBuffers()]);
  }

  trainableVariables(): tf.Variable[] {
    return this.namedParameters()
      .map(([, v]) => v)
      .filter((v) => v.trainable);
  }

  parameterCount(): number {
    return this.namedParameters().reduce((n, [, v]) => n + v.size, 0);
  }

  /** Sets training/eval mode on the whole tree. */
  train(mode = true): this {
    for (const [, m] of this.modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Clears per-sample state (membranes) in the whole tree; call between samples. */
  resetState(): void {
    for (const [, m] of this.modules()) m.onResetState();
  }

  /** Stateful modules (neurons) override this to drop their state. */
  protected onResetState(): void {}

  dispose(): void {
    for (const [, m] of this.modules()) {
      for (const v of m.ownParams.values()) v.dispose();
      for (const v of m.ownBuffers.values()) v.dispose();
      m.onResetState();
    }
  }

  private checkFree(name: string): void {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new SpikedistillError(
        'E_BAD_PLUGIN',
        `Module member name '${name}' is not an identifier`,
      );
    }
    if (this.ownParams.has(name) || this.ownBuffers.has(name) || this.ownChildren.has(name)) {
      throw new SpikedistillError('E_BAD_PLUGIN', `Module member '${name}' is defined twice`);
    }
  }
}

/** Maps a weight variable to the tensor a layer should use in its place. */
export type WeightTransform = (weight: tf.Variable) => tf.Tensor;

const join = (prefix: string, name: string) => (prefix ? `${prefix}.${name}` : name);
