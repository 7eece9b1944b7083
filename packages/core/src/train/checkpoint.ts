import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SpikedistillError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { encodeSafetensors } from '../io/safetensors.js';
import { loadState, readSafetensorsFile, readState, type TensorMap } from '../io/state-dict.js';
import type { Module } from '../nn/module.js';
import type { Ema } from '../optim/ema.js';
import type { Optimizer, OptimizerState } from '../optim/optimizer.js';

const FORMAT = 'spikedistill-checkpoint/2';
const FILE = /^step-\d{6,}\.safetensors$/;

export interface CheckpointParts {
  /** Modules by prefix (`student`, `strategy.twin`, …). */
  modules: Record<string, Module>;
  optimizer: Optimizer;
  ema?: Ema;
}

interface Latest {
  step: number;
  file: string;
}

/**
 * Checkpoints of one run: `checkpoints/step-NNNNNN.safetensors` holding every
 * module's parameters and buffers, the optimiser's slots by parameter name
 * and its counters, and the weight average; `latest.json` names the newest.
 * Both are written atomically (a crash leaves the previous checkpoint
 * intact). Old files are pruned to `keep`, never the one `latest.json` names.
 */
export class Checkpoints {
  constructor(
    readonly dir: string,
    readonly keep = 2,
  ) {}

  save(step: number, parts: CheckpointParts, metadata: Record<string, string> = {}): string {
    const tensors: TensorMap = new Map();
    for (const [prefix, module] of Object.entries(parts.modules)) {
      for (const [name, t] of readState(module, `${prefix}.`)) tensors.set(name, t);
    }
    const optimizer = parts.optimizer.state();
    for (const [key, t] of optimizer.slots) tensors.set(`optimizer.${key}`, t);
    for (const [key, t] of parts.ema?.state() ?? []) tensors.set(`ema.${key}`, t);
    const file = `step-${String(step).padStart(6, '0')}.safetensors`;
    writeFileAtomic(
      join(this.dir, file),
      encodeSafetensors(tensors, {
        ...metadata,
        format: FORMAT,
        step: String(step),
        optimizer: parts.optimizer.name,
        optimizerCounters: JSON.stringify(optimizer.counters),
      }),
    );
    writeFileAtomic(join(this.dir, 'latest.json'), JSON.stringify({ step, file } satisfies Latest));
    this.prune(file);
    return join(this.dir, file);
  }

  /** The newest checkpoint, checked: its file must be a checkpoint of this folder. */
  latest(): Latest | undefined {
    const path = join(this.dir, 'latest.json');
    if (!existsSync(path)) return undefined;
    let latest: Latest;
    try {
      latest = JSON.parse(readFileSync(path, 'utf8')) as Latest;
    } catch (err) {
      throw new SpikedistillError('E_CHECKPOINT', `${path} is corrupt: ${(err as Error).message}`);
    }
    if (
      !latest ||
      typeof latest.file !== 'string' ||
      !FILE.test(latest.file) ||
      !Number.isInteger(latest.step) ||
      latest.step < 0
    ) {
      throw new SpikedistillError(
        'E_CHECKPOINT',
        `${path} does not name a checkpoint of this folder (expected {"step": n, "file": "step-NNNNNN.safetensors"})`,
      );
    }
    return latest;
  }

  /** Restores the newest checkpoint into `parts`; returns its step and metadata, or step 0 when there is none. */
  restore(parts: CheckpointParts): { step: number; metadata: Record<string, string> } {
    const latest = this.latest();
    if (!latest) return { step: 0, metadata: {} };
    const path = join(this.dir, latest.file);
    if (!existsSync(path))
      throw new SpikedistillError(
        'E_CHECKPOINT',
        `${join(this.dir, 'latest.json')} names ${latest.file}, which is missing`,
      );
    const { tensors, metadata } = readSafetensorsFile(path);
    if (metadata.format !== FORMAT) {
      throw new SpikedistillError(
        'E_CHECKPOINT',
        `${path}: not a spikedistill checkpoint of this version (format '${metadata.format}', expected '${FORMAT}')`,
      );
    }
    if (metadata.optimizer !== parts.optimizer.name) {
      throw new SpikedistillError(
        'E_CHECKPOINT',
        `${path} was written with optimizer '${metadata.optimizer}'; this run uses '${parts.optimizer.name}'`,
      );
    }
    for (const [prefix, module] of Object.entries(parts.modules)) {
      loadState(module, tensors, { prefix: `${prefix}.`, strict: false, source: path });
    }
    const slots = (prefix: string): OptimizerState['slots'] => {
      const out: OptimizerState['slots'] = new Map();
      for (const [name, t] of tensors) {
        if (name.startsWith(prefix))
          out.set(name.slice(prefix.length), { shape: t.shape, data: t.data as Float32Array });
      }
      return out;
    };
    parts.optimizer.restore({
      slots: slots('optimizer.'),
      counters: JSON.parse(metadata.optimizerCounters ?? '{}') as Record<string, number>,
    });
    parts.ema?.restore(slots('ema.'));
    return { step: latest.step, metadata };
  }

  /** Deletes all but the newest `keep` checkpoint files, never `current`. */
  private prune(current: string): void {
    const files = readdirSync(this.dir)
      .filter((f) => FILE.test(f) && f !== current)
      .sort();
    for (const file of files.slice(0, Math.max(0, files.length - (this.keep - 1)))) {
      rmSync(join(this.dir, file), { force: true });
    }
  }
}
