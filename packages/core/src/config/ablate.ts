import { createHash } from 'node:crypto';
import { ConfigError } from '../errors.js';
import { setPath } from './dotted-path.js';
import { parseExperimentConfig } from './load.js';
import type { ExperimentConfig } from './schema.js';

export interface AblationVariant {
  /** `strategy=hint,student.options.timesteps=2`: readable, unique within the ablation. */
  label: string;
  /** Folder name of the variant's run, unique within the ablation. */
  dir: string;
  /** The swept values by path. */
  values: Record<string, unknown>;
  config: ExperimentConfig;
  /** Identity of the variant: a hash of its resolved config (name excluded). */
  id: string;
}

/** JSON with sorted keys, so equal data gives equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const shortHash = (value: unknown, length = 8) =>
  createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, length);

/** The identity of an experiment: its resolved config without its name, hashed. */
export function configId(config: ExperimentConfig): string {
  const { name: _, ablate: __, ...rest } = config;
  return shortHash(rest, 16);
}

/** A file-system-safe folder name for a label. */
export const variantDir = (label: string) =>
  label
    .replace(/[^A-Za-z0-9.=,_+@-]+/g, '_')
    .replace(/^[.-]/, '_')
    .slice(0, 120);

/**
 * Expands `ablate` into the cartesian product of its axes, each variant a
 * validated config of its own (without `ablate`). No axes: the config
 * itself. Labels and folders are unique: values of one axis that would read
 * alike (two references to the same plugin with different options) are told
 * apart by the options that differ, or by a short hash; two variants that
 * would still share a folder are an error before anything runs.
 */
export function expandAblation(config: ExperimentConfig): AblationVariant[] {
  const axes = Object.entries(config.ablate ?? {});
  const { ablate: _, ...base } = config;
  const labels = new Map<string, string[]>();
  for (const [path, values] of axes) {
    if (path.startsWith('ablate'))
      throw new ConfigError(`ablate.${path}: cannot sweep the sweep itself`);
    // Both are set up once per process, before any variant: a sweep of them would not sweep.
    const root = path.split('.')[0];
    if (root === 'backend' || root === 'plugins')
      throw new ConfigError(
        `ablate.${path}: the ${root} is set up once for the whole ablation and cannot be swept; run one ablation per ${root === 'backend' ? 'backend (--backend)' : 'plugin set'}`,
      );
    labels.set(path, axisLabels(path, values));
  }
  let combos: Array<Array<[string, number]>> = [[]];
  for (const [path, values] of axes)
    combos = combos.flatMap((c) => values.map((_, i) => [...c, [path, i] as [string, number]]));
  const variants = combos.map((combo) => {
    let data: unknown = base;
    const values: Record<string, unknown> = {};
    for (const [path, i] of combo) {
      const value = config.ablate![path]![i];
      values[path] = value;
      data = setPath(data, path, value);
    }
    const label = combo.map(([path, i]) => `${path}=${labels.get(path)![i]}`).join(',') || 'base';
    const parsed = parseExperimentConfig(data, `ablation variant ${label}`);
    return { label, dir: variantDir(label), values, config: parsed, id: configId(parsed) };
  });
  const byDir = new Map<string, string>();
  for (const v of variants) {
    const other = byDir.get(v.dir);
    if (other !== undefined)
      throw new ConfigError(
        `ablation variants '${other}' and '${v.label}' would share the folder '${v.dir}'; make the swept values distinct`,
      );
    byDir.set(v.dir, v.label);
  }
  return variants;
}

/** Short, distinct labels for the values of one axis. */
function axisLabels(path: string, values: readonly unknown[]): string[] {
  const short = values.map(labelOf);
  const ids = values.map((v) => canonicalJson(v));
  for (let i = 0; i < values.length; i++) {
    if (ids.indexOf(ids[i]!) !== i)
      throw new ConfigError(`ablate.${path}: the value ${ids[i]} is listed twice`);
  }
  return short.map((label, i) => {
    const clashes = short.filter((l) => l === label).length > 1;
    if (!clashes) return label;
    const detail = differingOptions(
      values[i],
      values.filter((_, j) => short[j] === label),
    );
    return detail && detail.length <= 60
      ? `${label}(${detail})`
      : `${label}#${shortHash(values[i], 6)}`;
  });
}

/** A short label for a swept value: a plugin reference is named by its `name`. */
function labelOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'name' in value && typeof value.name === 'string')
    return value.name;
  return JSON.stringify(value);
}

/** `k=v;…` of the leaf options in which `value` differs from the others it would be confused with. */
function differingOptions(value: unknown, group: readonly unknown[]): string | undefined {
  const leaves = (v: unknown) => flattenLeaves((v as { options?: unknown })?.options ?? {});
  const mine = leaves(value);
  const keys = new Set(group.flatMap((g) => [...leaves(g).keys()]));
  const parts: string[] = [];
  for (const key of [...keys].sort()) {
    const values = new Set(group.map((g) => leaves(g).get(key) ?? '-'));
    if (values.size > 1) parts.push(`${key}=${mine.get(key) ?? '-'}`);
  }
  return parts.length ? parts.join(';') : undefined;
}

function flattenLeaves(value: unknown, prefix = '', out = new Map<string, string>()) {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value))
      flattenLeaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out.set(prefix, typeof value === 'string' ? value : JSON.stringify(value));
  return out;
}
