import { checkBackendRef } from '../backend/request.js';
import { ConfigError } from '../errors.js';
import type { Registry } from '../registry/registry.js';
import { checkConfigFiles } from './paths.js';
import { asRef, type RefValue } from './ref.js';
import { type ExperimentConfig, refKinds, type TeacherEvalConfig } from './schema.js';

export interface CheckOptions {
  /** What the config is for: training needs a student (and a teacher if the strategy does); evaluating a teacher does not. */
  purpose?: 'train' | 'eval-teacher';
  /** Also check that every weights file and data folder exists (default true). */
  files?: boolean;
}

/**
 * Checks, before anything is built, everything a run would trip over later:
 * every plugin the config names (also nested ones, like a student's neuron or
 * a strategy's matcher, and the backend) exists and its options validate
 * strictly at every depth; the strategy has the teacher it needs; every file
 * and folder the config names exists. Errors carry the config path (`loss.1.options`).
 */
export function checkConfigPlugins(
  registry: Registry,
  config: ExperimentConfig | TeacherEvalConfig,
  options: CheckOptions = {},
): void {
  const purpose = options.purpose ?? 'train';
  for (const [field, kind] of Object.entries(refKinds)) {
    const value = config[field as keyof typeof refKinds];
    if (value === undefined) continue;
    const refs = Array.isArray(value) ? value : [value];
    refs.forEach((ref, i) => {
      const path = Array.isArray(value) ? `${field}.${i}` : field;
      registry.parseOptions(kind, ref.name, ref.options, path);
    });
  }
  const nested: Array<[string, RefValue | null | undefined, string]> = [
    ['quantizer', config.student?.quantizer, 'student.quantizer'],
    ['quantizer', config.teacher?.quantizer, 'teacher.quantizer'],
    ['optimizer', config.train.optimizer, 'train.optimizer'],
    ['schedule', config.train.schedule, 'train.schedule'],
  ];
  for (const [kind, value, path] of nested) {
    if (value === undefined || value === null) continue;
    const { name, options } = asRef(value);
    registry.parseOptions(kind, name, options, path);
  }
  checkBackendRef(registry, config.backend);
  if (purpose === 'train') {
    if (!config.student)
      throw new ConfigError('The config has no `student:`: name the backbone to train.');
    const strategy = registry.createFrom('strategy', config.strategy, 'strategy');
    try {
      if (strategy.needsTeacher && !config.teacher)
        throw new ConfigError(
          `strategy '${config.strategy.name}' needs a teacher: add \`teacher:\` to the config`,
        );
    } finally {
      strategy.dispose();
    }
  } else if (!config.teacher) {
    throw new ConfigError('The config has no `teacher:` to evaluate.');
  }
  if (options.files ?? true) checkConfigFiles(registry, config);
}
