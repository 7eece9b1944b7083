import { statSync } from 'node:fs';
import {
  buildModel,
  type ExperimentConfig,
  type Registry,
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
  const weights = options.weights ?? ref.weights;
  const { model, quantizer } = buildModel(registry, ref, options.model, weights);
  try {
    if (!weights)
      options.log(
        `warning: no weights given; exporting the ${options.model}'s random initialisation`,
      );
    if (quantizer)
      options.log(`the ${options.model} computes with ${quantizer.name} weights: exported as such`);
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

/** `spikedistill export <config> --out model.onnx [--weights …] [--model …] [--taps a,b]`. */
export function addExportCommand(
  program: Command,
  withConfig: (command: Command) => Command,
  prepare: (
    file: string,
    flags: { set: string[]; plugin: string[]; backend?: string },
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
        o: { set: string[]; plugin: string[]; backend?: string } & Omit<
          ExportCommandOptions,
          'log'
        >,
      ) => {
        const { config, registry } = await prepare(file, o);
        exportCommand(registry, config, { ...o, log });
      },
    );
}
