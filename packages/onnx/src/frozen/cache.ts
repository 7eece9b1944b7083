import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type Backbone, tf, writeFileAtomic } from '@spikedistill/core';
import { type ExportOptions, exportOnnx, PRODUCER_VERSION } from '../export.js';

/** Bump when exported graphs change for the same model, so old cache entries are not reused. */
const EXPORT_FORMAT = 1;

/** `$SPIKEDISTILL_CACHE/onnx`, else `$XDG_CACHE_HOME/spikedistill/onnx`, else `~/.cache/spikedistill/onnx`. */
export function defaultCacheDir(): string {
  const env = process.env;
  if (env.SPIKEDISTILL_CACHE) return join(env.SPIKEDISTILL_CACHE, 'onnx');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'spikedistill', 'onnx');
}

/**
 * The content hash of what an export of `model` would contain: the
 * architecture (class, options, module tree, taps), the requested outputs
 * and every parameter and buffer — and the transformed weights when a
 * weight transform is set. Same hash, same file.
 */
export function exportKey(model: Backbone, options: ExportOptions): string {
  const hash = createHash('sha256');
  hash.update(
    JSON.stringify({
      format: EXPORT_FORMAT,
      producer: PRODUCER_VERSION,
      class: model.constructor.name,
      options: (model as { options?: unknown }).options ?? null,
      modules: model.modules().map(([path, m]) => [path, m.constructor.name]),
      tapInfo: model.tapInfo,
      taps: [...new Set(options.taps ?? [])],
      output: options.output ?? true,
      exporters: (options.exporters ?? []).map((e) => e.layer.name),
    }),
  );
  const add = (name: string, t: tf.Tensor) => {
    hash.update(`${name}:${t.shape.join('x')}:`);
    const data = t.dataSync() as Float32Array;
    hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  };
  for (const [name, v] of model.namedParameters()) add(name, v);
  for (const [name, v] of model.namedBuffers()) add(name, v);
  hash.update(transformedWeights(model));
  return hash.digest('hex');
}

/** The weights as layers compute with them, where a weight transform changes them (else empty). */
function transformedWeights(model: Backbone): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [path, m] of model.modules()) {
    for (const [name, v] of m.namedParameters()) {
      if (name.includes('.')) continue; // the sub-module's own turn
      tf.tidy(() => {
        const t = (m as unknown as { use(v: tf.Variable): tf.Tensor }).use(v);
        if (t === v) return;
        const data = Float32Array.from(t.dataSync());
        parts.push(new TextEncoder().encode(`${path}.${name}:`));
        parts.push(new Uint8Array(data.buffer));
      });
    }
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export interface CachedExport {
  /** The file (in the cache dir), or undefined when caching is off. */
  path?: string;
  bytes: Uint8Array;
  key: string;
  /** True when the file was already in the cache. */
  hit: boolean;
}

/** The ONNX export of `model`, from `cacheDir` when a file with its content hash is there. */
export function cachedExport(
  model: Backbone,
  options: ExportOptions,
  cacheDir: string | false,
): CachedExport {
  const key = exportKey(model, options);
  if (cacheDir === false) return { bytes: exportOnnx(model, options).bytes, key, hit: false };
  const path = join(cacheDir, `${key}.onnx`);
  if (existsSync(path)) return { path, bytes: readFileSync(path), key, hit: true };
  const { bytes } = exportOnnx(model, options);
  writeFileAtomic(path, bytes);
  return { path, bytes, key, hit: false };
}
