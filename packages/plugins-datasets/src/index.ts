import './kinds.js';
import type { Plugin, PluginPackage, Registry } from '@spikedistill/core';
import { cifar10 } from './cifar/cifar10.js';
import { cifar10Synthetic } from './cifar/cifar10-synthetic.js';
import { folderDenoise } from './datasets/folder-denoise.js';
import { proceduralDenoise } from './datasets/procedural-denoise.js';
import { awgn } from './noise/awgn.js';
import { awgnBlind } from './noise/awgn-blind.js';
import { poissonGaussian } from './noise/poisson-gaussian.js';
import { folder } from './sources/folder.js';
import { presets } from './sources/presets.js';
import { procedural } from './sources/procedural.js';

export const packageName = '@spikedistill/plugins-datasets';

/** Every plugin of this package: image sources, noise models, datasets. */
export const plugins: readonly Plugin[] = [
  folder,
  procedural,
  ...presets,
  awgn,
  awgnBlind,
  poissonGaussian,
  folderDenoise,
  proceduralDenoise,
  cifar10,
  cifar10Synthetic,
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

export const datasetsPackage: PluginPackage = { name: packageName, register };

// Plugins, individually.
export { cifar10, cifar10Synthetic, folder, folderDenoise, presets, procedural, proceduralDenoise };
export { awgn, awgnBlind, poissonGaussian };

// Images: read/write and conversions (restoration reuses these).
export type { Channels, Image } from './image/image.js';
export { cloneImage, createImage } from './image/image.js';
export { grayToRgb, RGB_TO_GRAY, rgbToGray, toChannels } from './image/color.js';
export {
  decodeImage,
  type ReadImageOptions,
  readImage,
  readImageSync,
} from './image/read-image.js';
export { encodePng, type WritePngOptions, writePng, writePngSync } from './image/write-png.js';
export { resizeImage } from './image/resize.js';

// Sources.
export { type ImageSource, loadAll } from './sources/image-source.js';
export { compareBytes, IMAGE_EXTENSIONS, listImages } from './sources/list-images.js';
export { type FolderSourceOptions, folderSource } from './sources/folder.js';
export {
  DATA_ENV,
  type DataRootCandidate,
  type DataRootOptions,
  dataRootCandidates,
} from './sources/data-root.js';
export {
  PRESETS,
  type PresetSpec,
  presetPlugin,
  presetSpec,
  resolvePreset,
} from './sources/presets.js';
export { DEAD_LEAVES_DEFAULTS, type DeadLeavesOptions, deadLeaves } from './sources/dead-leaves.js';
export { proceduralSampler, proceduralSource } from './sources/procedural.js';

// Noise.
export { addGaussian, clip01, type NoiseModel } from './noise/noise-model.js';
export { poisson } from './noise/poisson.js';

// Sampling and evaluation.
export {
  DIHEDRAL_COUNT,
  dihedral,
  dihedralShape,
  dihedralSource,
  dihedralStrides,
} from './sampler/dihedral.js';
export { type PatchSampler, poolSampler } from './sampler/patch-sampler.js';
export { Prefetcher } from './sampler/prefetcher.js';
export { cropImage, reflectPadImage, roundUp } from './eval/pad.js';
// Padding tensors for evaluation lives in core: `padToMultiple`.
export {
  createDenoisingData,
  type DenoiseEvalSet,
  type DenoisingData,
  type DenoisingDataOptions,
  type DenoisingSummary,
  type EvalPair,
  makePatchBatch,
  noisyTestImage,
  type PatchBatch,
} from './datasets/denoising-data.js';

// Classification.
export {
  type ClassificationData,
  createClassificationData,
  type LabeledBatch,
} from './cifar/classification-data.js';
export type { LabeledImages } from './cifar/labeled-images.js';
export {
  CIFAR10_CLASSES,
  CIFAR_RECORD,
  decodeCifarRecords,
  encodeCifarRecords,
} from './cifar/cifar-format.js';
export { resolveCifar10 } from './cifar/cifar10.js';
export { syntheticClassImages } from './cifar/cifar10-synthetic.js';

export { DatasetError, ImageReadError } from './errors.js';
/** A data seed: the option if given, else derived from the experiment seed and `label`. */
export { seedFrom } from './datasets/refs.js';
