export { Classifier, type Flavour, stageTaps, type TapSink } from './classifier.js';
export { annFlavour, spikingFlavour } from './flavours.js';
export { annOptions, CLASSIFIER_NEURON, classifierOptions, spikingOptions } from './options.js';
export { MembraneReadout, type Readout, SpikeCountReadout } from './readout.js';
export { ResNet, type ResnetShape, resnet, resnetOptions, resnetShape } from './resnet.js';
export { spikingResnet, spikingResnetOptions } from './spiking-resnet.js';
export { spikingVgg, spikingVggOptions } from './spiking-vgg.js';
export {
  AnnUnit,
  ConvNorm,
  type ConvUnit,
  type Norm,
  SpikingUnit,
  type UnitMaker,
  annUnits,
  spikingUnits,
} from './units.js';
export { Vgg, type VggShape, vgg, vggOptions, vggShape } from './vgg.js';
