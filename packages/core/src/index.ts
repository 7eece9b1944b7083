// tsyringe needs the Reflect metadata polyfill loaded before it is.
import 'reflect-metadata';

export { activeBackend, type SelectedBackend, selectBackend } from './backend/select.js';
export type { Availability, Backend } from './backend/backend.js';
export {
  type BackendRequest,
  backendRequest,
  checkBackendRef,
  overrideBackend,
} from './backend/request.js';
export { cpuBackend } from './backend/cpu.js';
export { tensorflowBackend, tensorflowUsesGpu } from './backend/tensorflow.js';
export { activateWasm, wasmBackend } from './backend/wasm.js';
export {
  type AblationVariant,
  canonicalJson,
  configId,
  expandAblation,
  valueLabel,
  variantDir,
} from './config/ablate.js';
export {
  asRef,
  type FileTag,
  filePath,
  type RefTag,
  type RefValue,
  ref,
  refObject,
} from './config/ref.js';
export { type OptionVisitor, walkOptions } from './config/walk-options.js';
export {
  checkConfigFiles,
  missingConfigFiles,
  relativeConfigPaths,
  resolveConfigPaths,
} from './config/paths.js';
export type { EvalProbe } from './contracts/probe.js';
export type { Quantizer } from './contracts/quantizer.js';
export type { NamedVariable, Optimizer, OptimizerState } from './optim/optimizer.js';
export { SlotOptimizer } from './optim/optimizer.js';
export type { Schedule, ScheduleFactory } from './optim/schedule.js';
export { clipGradNorm } from './optim/clip.js';
export { Ema } from './optim/ema.js';
export {
  type LockClaim,
  RunFolder,
  type RunFolderMode,
  removeTempFiles,
  truncateJsonl,
} from './train/run-folder.js';
export { forwardBytesPerPixel, type InferOptions, restoreImage } from './train/infer.js';
export { type CheckOptions, checkConfigPlugins } from './config/check-plugins.js';
export { applyOverrides, getPath, setPath } from './config/dotted-path.js';
export {
  type ConfigFormat,
  formatOf,
  type LoadOptions,
  loadExperimentConfig,
  loadTeacherEvalConfig,
  parseConfigText,
  parseExperimentConfig,
  parseRunConfig,
} from './config/load.js';
export * from './config/schema.js';
export * from './errors.js';
export { createEvents, type Events, type TrainingEvents } from './events.js';
export * from './plugin.js';
export { corePackage, packageName, register } from './register.js';
export {
  type CreateRegistryOptions,
  createRegistry,
  type PluginDescription,
  Registry,
  type RegisterOptions,
} from './registry/registry.js';
export { Rng } from './rng.js';
export { tf } from './tf.js';
export { eventLogger, type Logger } from './logger.js';
export {
  BackendToken,
  EventsToken,
  kindToken,
  LoggerToken,
  PathToken,
  pluginToken,
  RegistryToken,
  RngToken,
} from './tokens.js';
export { closestMatch } from './util/closest.js';
export {
  type FusedLifAttrs,
  FusedLifGradKernelName,
  FusedLifKernelName,
  type FusedLifResult,
  type FusedSurrogateName,
  fusedLif,
  hasFusedLif,
} from './kernels/fused-lif.js';
export {
  type FusedBatchNormAttrs,
  FusedBatchNormGradKernelName,
  FusedBatchNormKernelName,
  type FusedBatchNormResult,
  fusedBatchNorm,
  hasFusedBatchNorm,
} from './kernels/fused-batch-norm.js';
export {
  type Backbone,
  checkTaps,
  type ForwardOptions,
  type ForwardResult,
  type TapInfo,
} from './contracts/backbone.js';
export type { Batch, EvalItem, EvalSet, TrainingData } from './contracts/dataset.js';
export type { Loss, Metric } from './contracts/loss.js';
export { checkSameShape } from './losses/check-shape.js';
export { charbonnierLoss } from './losses/charbonnier.js';
export { l1Loss } from './losses/l1.js';
export { mseLoss } from './losses/mse.js';
export { Module, type WeightTransform } from './nn/module.js';
export type {
  LossInputs,
  ModelRun,
  Strategy,
  StepLoss,
  StrategyContext,
  StrategyModels,
  StrategyNeeds,
  TaskLoss,
  TeacherRun,
} from './contracts/strategy.js';
export {
  defineStrategy,
  type SetupArgs,
  type StrategyDefinition,
  type StrategyParts,
} from './strategy/define-strategy.js';
export { type FrozenModel, type FrozenRequest, tfjsFrozenModel } from './strategy/frozen.js';
export { type TermWeight, termWeight, weightSchedule } from './strategy/weight.js';
export { writeFileAtomic } from './io/atomic-write.js';
export {
  type DecodedSafetensors,
  decodeSafetensors,
  encodeSafetensors,
  type RawTensor,
  type SafetensorsDtype,
  type TensorData,
} from './io/safetensors.js';
export {
  type LoadStateOptions,
  loadModule,
  loadState,
  readSafetensorsFile,
  readState,
  saveModule,
  type TensorMap,
} from './io/state-dict.js';
export { type CheckpointParts, Checkpoints } from './train/checkpoint.js';
export {
  type EvaluateOptions,
  evaluate,
  type ImageScores,
  INPUT_SCORING,
  type SetScores,
} from './train/evaluate.js';
export {
  type ClassificationScores,
  countCorrectByClass,
  evaluateClassifier,
} from './train/evaluate-classifier.js';
export { checkTaskFit } from './train/check-task.js';
export {
  type BuiltModel,
  buildExperiment,
  buildModel,
  disposeExperiment,
  loadBackboneWeights,
  type RunOptions,
  runExperiment,
  trainerOptions,
} from './train/experiment.js';
export { type Padded, padToMultiple } from './train/pad.js';
export { stepLoss } from './train/step-loss.js';
export { composeTaskLoss } from './train/task-loss.js';
export {
  type TrainerOptions,
  type TrainerParts,
  type TrainSummary,
  train,
} from './train/trainer.js';
