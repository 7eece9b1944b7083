export {
  encodeTiff,
  imageToTensor,
  readImageTensor,
  tensorToImage,
  type WriteImageOptions,
  writeImage,
} from './image.js';
export {
  applyTorchWeights,
  defaultTorchName,
  loadBackboneWeights,
  loadTorchWeights,
  type TorchNamed,
} from './torch.js';
export { WeightsError } from './weights-error.js';
export { applyWeights, type LoadWeightsOptions, loadWeights, saveWeights } from './weights.js';
