import { ConfigError } from '../errors.js';
import { parseExperimentConfig } from './load.js';
import { setPath } from './dotted-path.js';
import type { ExperimentConfig } from './schema.js';

export interface AblationVariant {
  /** `strategy.name=hint,student.options.timesteps=2`, stable and unique per variant. */
  label: string;
  /** The swept values by path. */
  values: Record<string, unknown>;
  config: ExperimentConfig;
}

/**
 * Expands `ablate` into the cartesian product of its axes, each variant a
 * validated config of its own (without `ablate`). No axes: the config itself.
 */
export function expandAblation(config: ExperimentConfig): AblationVariant[] {
  const axes = Object.entries(config.ablate ?? {});
  const { ablate: _, ...base } = config;
  let variants: Array<Record<string, unknown>> = [{}];
  for (const [path, values] of axes) {
    if (path.startsWith('ablate'))
      throw new ConfigError(`ablate.${path}: cannot sweep the sweep itself`);
    variants = variants.flatMap((v) => values.map((value) => ({ ...v, [path]: value })));
  }
  return variants.map((values) => {
    let data: unknown = base;
    for (const [path, value] of Object.entries(values)) data = setPath(data, path, value);
    const label =
      Object.entries(values)
        .map(([p, v]) => `${p}=${labelOf(v)}`)
        .join(',') || 'base';
    return { label, values, config: parseExperimentConfig(data, `ablation variant ${label}`) };
  });
}

/** A short label for a swept value: a plugin reference is named by its `name`. */
function labelOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'name' in value && typeof value.name === 'string')
    return value.name;
  return JSON.stringify(value);
}
