import { beforeAll, describe, expect, it } from 'vitest';
import type { Backbone, ForwardOptions, ForwardResult, TapInfo } from '../contracts/backbone.js';
import type { EvalSet, TrainingData } from '../contracts/dataset.js';
import type { Loss, Metric } from '../contracts/loss.js';
import { Module } from '../nn/module.js';
import { expectNoLeaks } from '../testing/leaks.js';
import { tf } from '../tf.js';
import { checkTaskFit } from './check-task.js';
import { countCorrectByClass } from './evaluate-classifier.js';
import { evaluate } from './evaluate.js';
import { TinyDenoiser } from './fixtures.test-helpers.js';
import { Rng } from '../rng.js';

/** Logits = the per-channel mean of the image; records the input shapes it saw. */
class MeanClassifier extends Module implements Backbone {
  readonly inputChannels = 3;
  readonly outputChannels = 3;
  readonly spiking = false;
  readonly timesteps = 1;
  /** Restoration evaluation would pad 5×5 inputs to 8×8; classification must not. */
  readonly sizeMultiple = 4;
  readonly tapInfo: TapInfo[] = [];
  readonly seen: number[][] = [];
  forward(x: tf.Tensor, _options: ForwardOptions = {}): ForwardResult {
    this.seen.push(x.shape);
    return { output: tf.mean(x, [1, 2]), taps: {} };
  }
}

/** Images of one value per channel, so the logits are those values. */
function item(rows: number[][], labels: number[]) {
  return {
    name: `items${labels.join('')}`,
    input: tf.tidy(() =>
      tf.tile(tf.reshape(tf.tensor2d(rows), [rows.length, 1, 1, 3]), [1, 5, 5, 1]),
    ) as tf.Tensor4D,
    target: tf.tensor1d(labels, 'int32') as unknown as tf.Tensor4D,
  };
}

// Item 1: rows predict 0, 1, 1 for labels 0, 1, 2; item 2: predicts 2 for label 2.
const set: EvalSet = {
  name: 'toy/test',
  size: 4,
  async *items() {
    yield item(
      [
        [0.9, 0.1, 0],
        [0.2, 0.7, 0.1],
        [0.1, 0.5, 0.4],
      ],
      [0, 1, 2],
    );
    yield item([[0, 0.3, 0.6]], [2]);
  },
};

/** Top-1 accuracy of one item (what the accuracy plugin does), to check weighting by images. */
const accuracy: Metric = {
  name: 'accuracy',
  higherIsBetter: true,
  compute: (logits, labels) => {
    const { correct, total } = countCorrectByClass(logits.dataSync(), labels.dataSync(), 3);
    return correct.reduce((a, b) => a + b) / total.reduce((a, b) => a + b);
  },
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('evaluate on classification data', () => {
  it('feeds the images as they are, weights metrics by images and reports per-class accuracy', async () => {
    const model = new MeanClassifier();
    const [scores] = await expectNoLeaks(() =>
      evaluate(model, [set], [accuracy], { task: 'classification', classNames: ['a', 'b', 'c'] }),
    );
    expect(model.seen).toEqual([
      [3, 5, 5, 3],
      [1, 5, 5, 3],
    ]);
    // 3 of 4 right overall; the unweighted mean of item accuracies would be (2/3 + 1)/2.
    expect(scores).toEqual({
      set: 'toy/test',
      images: 4,
      model: { accuracy: 0.75 },
      input: {},
      perClass: { a: 1, b: 1, c: 0.5 },
      perClassImages: { a: 1, b: 1, c: 2 },
    });
    expect(model.training).toBe(true);
  });

  it('stops after `limit` images, cutting an item short', async () => {
    const model = new MeanClassifier();
    const [scores] = await expectNoLeaks(() =>
      evaluate(model, [set], [accuracy], { task: 'classification', limit: 2 }),
    );
    expect(model.seen).toEqual([[2, 5, 5, 3]]);
    expect(scores).toMatchObject({ images: 2, model: { accuracy: 1 }, perClass: { 0: 1, 1: 1 } });
  });

  it('ties go to the lower class, as argmax', () => {
    expect(countCorrectByClass([0.5, 0.5, 0.2, 0.2], [1, 0], 2)).toEqual({
      correct: [1, 0],
      total: [1, 1],
    });
  });
});

describe('checkTaskFit', () => {
  const data = (classes: number): TrainingData => ({
    task: 'classification',
    channels: 3,
    classes,
    nextBatch: () => Promise.reject(new Error('unused')),
    evalSets: () => [],
  });
  const imageLoss: Loss = {
    name: 'l1',
    weight: 1,
    compute: (p, t) => {
      if (p.shape.join() !== t.shape.join()) throw new Error('shapes differ');
      return tf.mean(tf.abs(tf.sub(p, t))) as tf.Scalar;
    },
  };

  it('names a restoration student on classification data, and what to use', () => {
    const student = new TinyDenoiser(new Rng(1));
    expect(() => checkTaskFit({ student, losses: [], metrics: [], data: data(10) })).toThrow(
      'The data is classification with 10 classes, but the student outputs 1 channel(s): use a classifier backbone with `classes: 10`',
    );
    student.dispose();
  });

  it('names a loss or metric that cannot score logits against labels, before training', async () => {
    const student = new MeanClassifier();
    await expectNoLeaks(() => {
      expect(() =>
        checkTaskFit({ student, losses: [imageLoss], metrics: [], data: data(3) }),
      ).toThrow(
        "loss 'l1' cannot score a classifier's logits [N, classes] against labels [N] (shapes differ); for classification use e.g. 'cross-entropy'",
      );
      const psnr: Metric = {
        name: 'psnr',
        higherIsBetter: true,
        compute: (p) => {
          if (p.rank !== 4) throw new Error('not an image');
          return 0;
        },
      };
      expect(() => checkTaskFit({ student, losses: [], metrics: [psnr], data: data(3) })).toThrow(
        "metric 'psnr' cannot score",
      );
      checkTaskFit({ student, losses: [], metrics: [accuracy], data: data(3) });
    });
  });

  it('leaves restoration alone', () => {
    const student = new MeanClassifier();
    checkTaskFit({
      student,
      losses: [imageLoss],
      metrics: [],
      data: { ...data(3), task: 'restoration' },
    });
  });
});
