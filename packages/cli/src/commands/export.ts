import { statSync } from 'node:fs';
import {
  type Backbone,
  type ExperimentConfig,
  loadBackboneWeights,
  type Registry,
  type WeightTransform,
  writeFileAtomic,
} from '@spikedistill/core';
import { exportOnnx, type OnnxModel } from '@spikedistill/onnx';
import type { Command } from 'commander';
import { Option } from 'commander';

export interface ExportCommandOptions {
  weights?: string;
  out: string;
  model: 'student' | 'teacher';
  taps?: string[];
  log: (line: string) => void;
}

/**
 * Writes the config's student (or teacher) with its weights as an ONNX
 * model: NHWC input `input`, output `output`, taps as further outputs.
 */
export function exportCommand(
  registry: Registry,
  config: ExperimentConfig,
  options: ExportCommandOptions,
): OnnxModel {
  const ref = options.model === 'teacher' ? config.teacher : config.student;
  if (!ref) throw new Error(`the config has no ${options.model}`);
  const model = registry.createFrom('backbone', ref, options.model) as Backbone;
  try {
    const weights = options.weights ?? ref.weights;
    if (weights) loadBackboneWeights(model, weights);
    else
      options.log(
        `warning: no weights given; exporting the ${options.model}'s random initialisation`,
      );
    const quantizer = options.model === 'student' ? studentQuantizer(registry, config) : undefined;
    if (quantizer) {
      model.setWeightTransform(quantizer.transform);
      options.log(
        `the student computes with ${quantizer.name} weights (strategy ${config.strategy.name}): exported as such`,
      );
    }
    const onnx = exportOnnx(model, { taps: options.taps ?? [] });
    writeFileAtomic(options.out, onnx.bytes);
    const dims = (d: Array<number | string | undefined>) =>
      `[${d.map((x) => x ?? '?').join(', ')}]`;
    const mb = (statSync(options.out).size / 1e6).toFixed(2);
    options.log(
      `wrote ${options.out} (${mb} MB, ${onnx.nodes} nodes, ONNX opset 18): ${ref.name}${weights ? ` (${weights})` : ''}`,
    );
    options.log(
      `  input  ${onnx.input.name} ${dims(onnx.input.dims)} (H, W multiples of ${onnx.sizeMultiple})`,
    );
    for (const o of onnx.outputs) options.log(`  output ${o.name} ${dims(o.dims)}`);
    return onnx;
  } finally {
    model.dispose();
  }
}

/** A student trained with TNA's quantizer computes with quantised weights; the export must too. */
function studentQuantizer(
  registry: Registry,
  config: ExperimentConfig,
): { name: string; transform: WeightTransform } | undefined {
  const name = (config.strategy.options as { quantizer?: unknown } | undefined)?.quantizer;
  if (config.strategy.name !== 'tna' || typeof name !== 'string') return undefined;
  const q = registry.create('quantizer', name, {}, 'strategy.options.quantizer') as {
    quantize: WeightTransform;
  };
  return { name, transform: q.quantize };
}

/** `spikedistill export <config> --out model.onnx [--weights …] [--model …] [--taps a,b]`. */
export function addExportCommand(
  program: Command,
  withConfig: (command: Command) => Command,
  prepare: (
    file: string,
    flags: { set: string[]; backend?: string },
  ) => Promise<{ config: ExperimentConfig; registry: Registry }>,
  log: (line: string) => void,
): void {
  withConfig(
    program
      .command('export')
      .description('write the student (or the teacher) as an ONNX model, taps as extra outputs'),
  )
    .requiredOption('--out <file>', 'the .onnx file to write')
    .option('--weights <file>', 'safetensors weights (default: the config’s)')
    .addOption(
      new Option('--model <which>', 'which model')
        .choices(['student', 'teacher'])
        .default('student'),
    )
    .option(
      '--taps <names>',
      'taps to add as outputs, comma-separated (e.g. q4 or enc1,dec1)',
      (v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
    )
    .action(
      async (
        file: string,
        o: { set: string[]; backend?: string } & Omit<ExportCommandOptions, 'log'>,
      ) => {
        const { config, registry } = await prepare(file, o);
        exportCommand(registry, config, { ...o, log });
      },
    );
}
