import type { Module } from '@spikedistill/core';
import { ExportError } from '../errors.js';
import type { LayerClass, LayerExporter } from './exporter.js';

/**
 * Exporters by layer class. A module is exported by the exporter of its own
 * class or, failing that, of its nearest ancestor class that has one; later
 * registrations replace earlier ones for the same class (a user's exporter
 * overrides the built-in one).
 */
export class ExporterRegistry {
  private readonly byClass = new Map<LayerClass, LayerExporter>();

  constructor(exporters: readonly LayerExporter[] = []) {
    for (const e of exporters) this.add(e);
  }

  add(exporter: LayerExporter): this {
    this.byClass.set(exporter.layer, exporter);
    return this;
  }

  /** The exporter for `module`, or an ExportError naming its path and class. */
  get(module: Module, path: string): LayerExporter {
    for (
      let proto = Object.getPrototypeOf(module) as { constructor: LayerClass } | null;
      proto;
      proto = Object.getPrototypeOf(proto)
    ) {
      const found = this.byClass.get(proto.constructor);
      if (found) return found;
    }
    const known = [...this.byClass.keys()].map((c) => c.name).sort();
    throw new ExportError(
      `No ONNX exporter for layer '${path || '(root)'}' of class ${module.constructor.name}. ` +
        `Layers with exporters: ${known.join(', ')}. ` +
        'Pass your own with exportOnnx(model, { exporters: [defineExporter({ layer, role, export })] }).',
    );
  }

  classes(): string[] {
    return [...this.byClass.keys()].map((c) => c.name);
  }
}
