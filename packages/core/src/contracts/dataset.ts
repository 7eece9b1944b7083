import type { tf } from '../tf.js';

/** A training batch; the caller owns (and disposes) the tensors. */
export interface Batch {
  /** Degraded input, [N, H, W, C] in [0, 1] (classification: images). */
  input: tf.Tensor4D;
  /** Clean target, [N, H, W, C] in [0, 1] (classification: int32 labels [N]). */
  target: tf.Tensor;
}

/** One full evaluation image pair; the caller owns the tensors. */
export interface EvalItem {
  name: string;
  input: tf.Tensor4D;
  /** Clean image [1, H, W, C], or int32 labels [N] for classification. */
  target: tf.Tensor;
}

export interface EvalSet {
  name: string;
  size: number;
  items(): AsyncIterable<EvalItem>;
}

/** What a `dataset` plugin creates for restoration (and, with labels, classification). */
export interface TrainingData {
  readonly task: 'restoration' | 'classification';
  readonly channels: number;
  /** Number of classes, classification only. */
  readonly classes?: number;
  /** Class names by index, classification only (reports label per-class accuracy with them). */
  readonly classNames?: readonly string[];
  /** The next training batch (prefetched behind the scenes). */
  nextBatch(batchSize: number): Promise<Batch>;
  evalSets(): EvalSet[];
  /**
   * Continue as if `batches` batches had been drawn (for exact resume). Optional:
   * without it a resumed run sees a different data order.
   */
  seek?(batches: number): void;
  /** Stops prefetching and frees what it holds. */
  close?(): void;
}
