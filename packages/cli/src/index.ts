import type { Registry } from '@spikedistill/core';

export { bundledPackages, createFullRegistry } from './packages.js';
export { buildProgram, main } from './program.js';
export {
  type ReportFiles,
  type ReportOptions,
  writeReport,
} from './report/index.js';

export const packageName = '@spikedistill/cli';

/** The CLI registers no plugins of its own; it is here for the uniform package contract. */
export function register(registry: Registry): void {
  registry.use({ name: packageName, register: () => {} });
}
