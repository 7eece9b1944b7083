import { readFileSync } from 'node:fs';
import { type Backbone, checkTaps } from '@spikedistill/core';
import { ExportError } from './errors.js';
import {
  builtinExporters,
  ExportContext,
  ExporterRegistry,
  type LayerExporter,
} from './exporters/index.js';
import { type Dim, GraphBuilder } from './graph/builder.js';
import { NCHW_TO_NHWC, NHWC_TO_NCHW } from './graph/layout.js';
import { temporalToNhwc } from './graph/time.js';
import { encodeModel } from './proto/schema.js';

/** ONNX operator set the exported graphs use (ReduceMean/Split with axes as inputs need ≥ 18). */
export const OPSET = 18;
/** IR version of opset 18 (ONNX 1.13). */
const IR_VERSION = 8;

/** This package's version, written into every model file. */
export const PRODUCER_VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

export interface ExportOptions {
  /** Taps to add as graph outputs, named as the taps (spiking ones [T, N, H, W, C]). */
  taps?: readonly string[];
  /** Include the model's output (default true). Without it the graph stops at the deepest tap. */
  output?: boolean;
  /** Exporters for further layer classes, or replacing built-in ones. */
  exporters?: readonly LayerExporter[];
  /** The graph's name (default: the model's class). */
  name?: string;
}

/** A graph input or output: its name and dims (numbers, or symbolic names where dynamic). */
export interface GraphTensor {
  name: string;
  dims: Dim[];
  /** For taps: the tap recorded per time step. */
  temporal?: boolean;
}

export interface OnnxModel {
  /** The model file's bytes (ONNX ModelProto, written by protobufjs from the official schema). */
  bytes: Uint8Array;
  input: GraphTensor;
  /** `output` (when asked for) first, then the taps in the order asked for. */
  outputs: GraphTensor[];
  /** Height and width of the input must be multiples of this (as for the tfjs model). */
  sizeMultiple: number;
  nodes: number;
}

/**
 * Writes a backbone as an ONNX model, in eval mode (batch norms with their
 * running statistics), weights as the layers compute with them (through a
 * weight transform such as ternary quantisation when one is set). Spiking
 * students are unrolled over their T steps. Input `input` and every output
 * are NHWC (transposes inside the graph); batch, height and width are
 * dynamic. Each layer class is written by its exporter (see `exporters/`);
 * a layer without one is an ExportError naming its path and class.
 */
export function exportOnnx(model: Backbone, options: ExportOptions = {}): OnnxModel {
  const label = (model as { label?: string }).label ?? model.constructor.name;
  const taps = [...new Set(options.taps ?? [])];
  checkTaps(label, model.tapInfo, taps);
  const includeOutput = options.output ?? true;
  if (!includeOutput && taps.length === 0) {
    throw new ExportError(
      `Exporting ${label}: no output and no taps asked for, nothing to compute`,
    );
  }
  for (const reserved of ['input', 'output']) {
    if (taps.includes(reserved)) {
      throw new ExportError(
        `Exporting ${label}: a tap named '${reserved}' would clash with the graph's ${reserved}`,
      );
    }
  }
  const g = new GraphBuilder();
  const registry = new ExporterRegistry([...builtinExporters, ...(options.exporters ?? [])]);
  const ctx = new ExportContext(g, model, registry, new Set(taps));
  const inputDims: Dim[] = ['batch', 'height', 'width', model.inputChannels];
  const input = g.input('input', inputDims);
  const y = ctx.apply('backbone', model, g.op('Transpose', [input], { perm: NHWC_TO_NCHW }));

  const outputs: GraphTensor[] = [];
  if (includeOutput) {
    g.op('Transpose', [y], { perm: NCHW_TO_NHWC }, 'output');
    outputs.push({ name: 'output', dims: ['batch', 'height', 'width', model.outputChannels] });
  }
  for (const name of taps) {
    const recorded = ctx.recordedTaps().get(name);
    const info = model.tapInfo.find((t) => t.name === name)!;
    if (!recorded) {
      throw new ExportError(`internal: the exporter of ${label} did not record its tap '${name}'`);
    }
    const size = (d: string) => (info.scale === 1 ? d : `${d}/${info.scale}`);
    const spatial: Dim[] = ['batch', size('height'), size('width'), info.channels];
    if (recorded.timesteps) {
      temporalToNhwc(g, recorded.value, recorded.timesteps, name);
      outputs.push({ name, dims: [recorded.timesteps, ...spatial], temporal: true });
    } else {
      g.op('Transpose', [recorded.value], { perm: NCHW_TO_NHWC }, name);
      outputs.push({ name, dims: spatial });
    }
  }
  for (const o of outputs) g.output(o.name, o.dims);
  g.prune();

  const graphName = options.name ?? model.constructor.name;
  const bytes = encodeModel({
    ir_version: IR_VERSION,
    opset_import: [{ domain: '', version: OPSET }],
    producer_name: 'spikedistill',
    producer_version: PRODUCER_VERSION,
    graph: g.toGraphProto(graphName, `${label}, exported in eval mode; NHWC input and outputs`),
    metadata_props: [
      { key: 'spikedistill.sizeMultiple', value: String(model.sizeMultiple) },
      { key: 'spikedistill.timesteps', value: String(model.timesteps) },
      { key: 'spikedistill.taps', value: JSON.stringify(taps) },
    ],
  });
  return {
    bytes,
    input: { name: 'input', dims: inputDims },
    outputs,
    sizeMultiple: model.sizeMultiple,
    nodes: g.nodeCount,
  };
}
