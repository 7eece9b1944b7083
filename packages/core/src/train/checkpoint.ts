import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SpikedistillError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { encodeSafetensors } from '../io/safetensors.js';
import { loadState, readSafetensorsFile, readState, type TensorMap } from '../io/state-dict.js';
import type { Module } from '../nn/module.js';
import { tf } from '../tf.js';

const FORMAT = 'spikedistill-checkpoint/1';

export interface CheckpointParts {
  /** Modules by prefix (`student`, `strategy.twin`, …). */
  modules: Record<string, Module>;
  optimizer: tf.Optimizer;
}

interface Latest {
  step: number;
  file: string;
}

/**
 * Checkpoints of one run: `checkpoints/step-NNNNNN.safetensors` holding every
 * module's parameters and buffers and the optimiser's state, plus
 * `latest.json` naming the newest. Both are written atomically (a crash leaves
 * the previous checkpoint intact); the oldest are pruned to `keep`.
 */
export class Checkpoints {
  constructor(
    readonly dir: string,
    readonly keep = 2,
  ) {}

  async save(
    step: number,
    parts: CheckpointParts,
    metadata: Record<string, string> = {},
  ): Promise<string> {
    const tensors: TensorMap = new Map();
    for (const [prefix, module] of Object.entries(parts.modules)) {
      for (const [name, t] of readState(module, `${prefix}.`)) tensors.set(name, t);
    }
    const weights = await parts.optimizer.getWeights();
    weights.forEach((w, i) => {
      tensors.set(`optimizer.${String(i).padStart(4, '0')}`, {
        shape: w.tensor.shape,
        data: w.tensor.dataSync() as Float32Array | Int32Array,
      });
    });
    const file = `step-${String(step).padStart(6, '0')}.safetensors`;
    writeFileAtomic(
      join(this.dir, file),
      encodeSafetensors(tensors, { ...metadata, format: FORMAT, step: String(step) }),
    );
    writeFileAtomic(join(this.dir, 'latest.json'), JSON.stringify({ step, file } satisfies Latest));
    this.prune();
    return join(this.dir, file);
  }

  latest(): Latest | undefined {
    const path = join(this.dir, 'latest.json');
    if (!existsSync(path)) return undefined;
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as Latest;
    } catch (err) {
      throw new SpikedistillError('E_CHECKPOINT', `${path} is corrupt: ${(err as Error).message}`);
    }
  }

  /** Restores the newest checkpoint into `parts`; returns its step, or 0 if there is none. */
  async restore(parts: CheckpointParts): Promise<number> {
    const latest = this.latest();
    if (!latest) return 0;
    const path = join(this.dir, latest.file);
    const { tensors, metadata } = readSafetensorsFile(path);
    if (metadata.format !== FORMAT) {
      throw new SpikedistillError(
        'E_CHECKPOINT',
        `${path}: not a spikedistill checkpoint (format '${metadata.format}')`,
      );
    }
    for (const [prefix, module] of Object.entries(parts.modules)) {
      loadState(module, tensors, { prefix: `${prefix}.`, strict: false, source: path });
    }
    const optimizerNames = [...tensors.keys()].filter((n) => n.startsWith('optimizer.')).sort();
    if (optimizerNames.length) {
      // Optimiser slots are matched by position: the trainer always lists variables in module order.
      const current = await parts.optimizer.getWeights();
      const named = optimizerNames.map((name, i) => {
        const t = tensors.get(name)!;
        return {
          name: current[i]?.name ?? name,
          tensor: tf.tensor(t.data, t.shape, t.dtype === 'I32' ? 'int32' : 'float32'),
        };
      });
      await parts.optimizer.setWeights(named);
      tf.dispose(named.map((n) => n.tensor));
    }
    return latest.step;
  }

  /** Deletes all but the newest `keep` checkpoint files (names sort by step). */
  private prune(): void {
    const files = readdirSync(this.dir)
      .filter((f) => /^step-\d+\.safetensors$/.test(f))
      .sort();
    for (const file of files.slice(0, Math.max(0, files.length - this.keep))) {
      rmSync(join(this.dir, file), { force: true });
    }
  }
}
