import { readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError } from '../errors.js';
import { formatZodIssues } from '../registry/format-issues.js';
import { applyOverrides } from './dotted-path.js';
import { type ExperimentConfig, experimentConfig } from './schema.js';

export type ConfigFormat = 'json' | 'yaml';

/**
 * Parses config text as plain data. YAML is read with the core schema only:
 * no custom tags (a `!!js/function` is an error, never code), bounded aliases.
 */
export function parseConfigText(text: string, format: ConfigFormat, source: string): unknown {
  if (format === 'json') {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new ConfigError(`${source}: not valid JSON (${(err as Error).message})`);
    }
  }
  const doc = parseDocument(text, {
    schema: 'core',
    customTags: [],
    uniqueKeys: true,
    prettyErrors: true,
  });
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length) {
    throw new ConfigError(
      `${source}: not valid YAML: ${problems.map((p) => p.message).join('; ')}`,
    );
  }
  return doc.toJS({ maxAliasCount: 100 });
}

/** Validates plain data as an experiment config, filling defaults. */
export function parseExperimentConfig(data: unknown, source = 'config'): ExperimentConfig {
  const parsed = experimentConfig.safeParse(data);
  if (!parsed.success) {
    throw new ConfigError(`${source}: ${formatZodIssues(parsed.error)}`);
  }
  return parsed.data;
}

export function formatOf(path: string): ConfigFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  throw new ConfigError(`${path}: unknown config format '${ext}' (use .json, .yaml or .yml)`);
}

/** Reads a JSON/YAML experiment file, applies `--set path=value` overrides, validates. */
export function loadExperimentConfig(
  path: string,
  overrides: readonly string[] = [],
): ExperimentConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read config ${path}: ${(err as Error).message}`, { cause: err });
  }
  const raw = resolveWeightPaths(parseConfigText(text, formatOf(path), path), dirname(path));
  return parseExperimentConfig(applyOverrides(raw, overrides), path);
}

/**
 * Weights files named in a config are relative to the config file, so a
 * config keeps working from any directory. (Overrides given on the command
 * line are left as typed: relative to where the command runs.)
 */
function resolveWeightPaths(data: unknown, base: string): unknown {
  if (typeof data !== 'object' || data === null) return data;
  const out = { ...(data as Record<string, unknown>) };
  for (const key of ['student', 'teacher']) {
    const ref = out[key] as { weights?: unknown } | undefined;
    if (
      ref &&
      typeof ref === 'object' &&
      typeof ref.weights === 'string' &&
      !isAbsolute(ref.weights)
    ) {
      out[key] = { ...ref, weights: resolve(base, ref.weights) };
    }
  }
  return out;
}
