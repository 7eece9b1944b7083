export {
  encodeTiff,
  imageToTensor,
  readImageTensor,
  tensorToImage,
  type WriteImageOptions,
  writeImage,
} from './image.js';
export {
  decodeSafetensors,
  encodeSafetensors,
  readSafetensors,
  type SafetensorsDtype,
  type SafetensorsFile,
  type StoredTensor,
  WeightsError,
  writeSafetensors,
} from './safetensors.js';
export {
  applyTorchWeights,
  defaultTorchName,
  loadBackboneWeights,
  loadTorchWeights,
  type TorchNamed,
} from './torch.js';
export { applyWeights, type LoadWeightsOptions, loadWeights, saveWeights } from './weights.js';
