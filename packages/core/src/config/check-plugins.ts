import type { Registry } from '../registry/registry.js';
import { type ExperimentConfig, refKinds } from './schema.js';

/**
 * Checks, before anything is built, that every plugin the config names exists
 * and that its options validate; errors carry the config path (`loss.1.options`).
 */
export function checkConfigPlugins(registry: Registry, config: ExperimentConfig): void {
  for (const [field, kind] of Object.entries(refKinds)) {
    const value = config[field as keyof typeof refKinds];
    if (value === undefined) continue;
    const refs = Array.isArray(value) ? value : [value];
    refs.forEach((ref, i) => {
      const path = Array.isArray(value) ? `${field}.${i}` : field;
      registry.parseOptions(kind, ref.name, ref.options, path);
    });
  }
}
