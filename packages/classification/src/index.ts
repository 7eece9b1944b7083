import type { Plugin, PluginPackage, Registry } from '@spikedistill/core';
import { resnet, spikingResnet, spikingVgg, vgg } from './backbones/index.js';
import { mnist } from './data/mnist.js';
import { crossEntropyLoss } from './losses/cross-entropy.js';
import { klDivLoss } from './losses/kl-div.js';
import { accuracyMetric } from './metrics/accuracy.js';

export * from './backbones/index.js';
export {
  loadMnistDigits,
  MNIST_COUNT,
  MNIST_SIDE,
  splitIndices,
  subset,
} from './data/mnist-digits.js';
export { mnist, mnistOptions } from './data/mnist.js';
export { checkLabelRange, checkLogitsAndLabels } from './losses/check-logits.js';
export { crossEntropy, crossEntropyLoss, crossEntropyOptions } from './losses/cross-entropy.js';
export { klDivergence, klDivLoss, klDivOptions } from './losses/kl-div.js';
export { accuracyMetric, topKAccuracy, topKCorrect } from './metrics/accuracy.js';
export { Linear } from './nn/linear.js';

export const packageName = '@spikedistill/classification';

/** Every plugin of this package: classifiers, their losses and metric, the digits. */
export const plugins: readonly Plugin[] = [
  spikingVgg,
  vgg,
  spikingResnet,
  resnet,
  crossEntropyLoss,
  klDivLoss,
  accuracyMetric,
  mnist,
];

/** Registers this package's plugins on `registry` (nothing happens on import). */
export function register(registry: Registry): void {
  registry.use({
    name: packageName,
    register: (r) => {
      for (const plugin of plugins) r.register(plugin);
    },
  });
}

/** For `createRegistry({ packages: [neuronsPackage, classificationPackage] })`. */
export const classificationPackage: PluginPackage = { name: packageName, register };
