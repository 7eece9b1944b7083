import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { Module } from './module.js';

class Norm extends Module {
  readonly gamma = this.param('gamma', tf.ones([3]));
  readonly runningMean = this.buffer('runningMean', tf.zeros([3]));
  resets = 0;
  protected override onResetState() {
    this.resets++;
  }
}
class Block extends Module {
  readonly weight = this.param('weight', tf.zeros([2, 3]));
  readonly norm = this.child('norm', new Norm());
}
class Net extends Module {
  readonly enc1 = this.child('enc1', new Block());
  readonly frozen = this.param('frozen', tf.scalar(1), false);
}

describe('Module', () => {
  it('names parameters and buffers by dotted path', () => {
    const before = tf.memory().numTensors;
    const net = new Net();
    expect(net.namedParameters().map(([n]) => n)).toEqual([
      'frozen',
      'enc1.weight',
      'enc1.norm.gamma',
    ]);
    expect(net.namedBuffers().map(([n]) => n)).toEqual(['enc1.norm.runningMean']);
    expect([...net.stateDict().keys()]).toHaveLength(4);
    expect(net.trainableVariables()).toHaveLength(2);
    expect(net.parameterCount()).toBe(1 + 6 + 3);
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('propagates train/eval and state resets through the tree', () => {
    const net = new Net();
    net.eval();
    expect(net.enc1.norm.training).toBe(false);
    net.train();
    expect(net.enc1.training).toBe(true);
    net.resetState();
    expect(net.enc1.norm.resets).toBe(1);
    net.dispose();
  });

  it('refuses a member defined twice', () => {
    class Twice extends Module {
      a = this.param('w', tf.zeros([1]));
      b = this.param('w', tf.zeros([1]));
    }
    expect(() => new Twice()).toThrow(/'w' is defined twice/);
  });
});

describe('Module weight transforms', () => {
  class Scale extends Module {
    readonly w = this.param('w', tf.tensor1d([1, -2]));
    apply(x: tf.Tensor) {
      return tf.mul(x, this.use(this.w));
    }
  }
  class Outer extends Module {
    readonly inner = this.child('inner', new Scale());
  }

  it('applies a transform set on an ancestor, with gradients flowing through it, until cleared', () => {
    const net = new Outer();
    const x = tf.tensor1d([3, 3]);
    expect([...net.inner.apply(x).dataSync()]).toEqual([3, -6]);
    net.setWeightTransform((w) => tf.mul(w, 10));
    expect([...net.inner.apply(x).dataSync()]).toEqual([30, -60]);
    const { grads } = tf.variableGrads(
      () => tf.sum(net.inner.apply(x)) as tf.Scalar,
      [net.inner.w],
    );
    expect([...grads[net.inner.w.name]!.dataSync()]).toEqual([30, 30]);
    net.setWeightTransform(undefined);
    expect([...net.inner.apply(x).dataSync()]).toEqual([3, -6]);
    net.dispose();
  });
});
