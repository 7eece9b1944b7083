import { readFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { overrideBackend } from '../backend/request.js';
import { ConfigError } from '../errors.js';
import { formatZodIssues } from '../registry/format-issues.js';
import { Registry } from '../registry/registry.js';
import { applyOverrides, checkNoForbiddenKeys } from './dotted-path.js';
import { resolveConfigPaths } from './paths.js';
import type { z } from 'zod';
import {
  type ExperimentConfig,
  experimentConfig,
  type TeacherEvalConfig,
  teacherEvalConfig,
} from './schema.js';

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
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // e.g. an alias bomb: too many alias expansions
    throw new ConfigError(`${source}: not valid YAML: ${(err as Error).message}`);
  }
  return data;
}

/** Validates plain data as an experiment config, filling defaults. */
export function parseExperimentConfig(data: unknown, source = 'config'): ExperimentConfig {
  return parseWith(experimentConfig, data, source);
}

/**
 * A run folder's `config.json` (already parsed from JSON) as the config it
 * ran with: its paths, recorded relative to the folder, resolved against it.
 */
export function parseRunConfig(
  registry: Registry,
  data: unknown,
  runDir: string,
): ExperimentConfig {
  return parseExperimentConfig(
    resolveConfigPaths(registry, data, resolve(runDir)),
    join(runDir, 'config.json'),
  );
}

function parseWith<S extends z.ZodType>(schema: S, data: unknown, source: string): z.output<S> {
  const parsed = schema.safeParse(data);
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

/**
 * Reads a JSON/YAML experiment file, applies `--set path=value` overrides,
 * validates. Paths written in the file (weights, data folders, output, and
 * any plugin option declared with `filePath()`) resolve against the file's
 * folder, so a config works from any directory; `registry` says which
 * plugin options are paths (without it only weights are resolved).
 * Overrides are left as typed: relative to where the command runs.
 */
export function loadExperimentConfig(
  path: string,
  overrides: readonly string[] = [],
  registry: Registry = new Registry(),
  options: LoadOptions = {},
): ExperimentConfig {
  return parseWith(experimentConfig, readConfigFile(path, overrides, registry, options), path);
}

/** `loadExperimentConfig` for evaluating the teacher: the config need not name a student. */
export function loadTeacherEvalConfig(
  path: string,
  overrides: readonly string[] = [],
  registry: Registry = new Registry(),
  options: LoadOptions = {},
): TeacherEvalConfig {
  return parseWith(teacherEvalConfig, readConfigFile(path, overrides, registry, options), path);
}

export interface LoadOptions {
  /**
   * A backend asked for on the command line (`--backend`): it replaces the
   * file's before the overrides apply, so `--set backend.options.threads=1`
   * reaches it (see `overrideBackend` for which options it keeps).
   */
  backend?: string;
}

/** The file's data with paths resolved and overrides applied, not yet validated. */
function readConfigFile(
  path: string,
  overrides: readonly string[],
  registry: Registry,
  { backend }: LoadOptions,
): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read config ${path}: ${(err as Error).message}`, { cause: err });
  }
  const raw = parseConfigText(text, formatOf(path), path);
  checkNoForbiddenKeys(raw);
  const resolved = resolveConfigPaths(registry, raw, dirname(resolve(path)));
  const withBackend =
    backend !== undefined &&
    typeof resolved === 'object' &&
    resolved !== null &&
    !Array.isArray(resolved)
      ? {
          ...resolved,
          backend: overrideBackend((resolved as { backend?: unknown }).backend, backend),
        }
      : resolved;
  return applyOverrides(withBackend, overrides);
}
