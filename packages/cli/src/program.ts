import { readFileSync } from 'node:fs';
import {
  checkConfigPlugins,
  expandAblation,
  loadExperimentConfig,
  SpikedistillError,
} from '@spikedistill/core';
import { Command } from 'commander';
import pc from 'picocolors';
import { demoCommand } from './commands/demo.js';
import { pluginsCommand } from './commands/plugins.js';
import { createFullRegistry } from './packages.js';

const version = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

const collect = (value: string, previous: string[]) => [...previous, value];

export function buildProgram(log: (line: string) => void = console.log): Command {
  const program = new Command('spikedistill')
    .description('Train spiking neural networks for image restoration by distilling from ANNs')
    .version(version);

  program
    .command('demo')
    .description('short run on the embedded defaults (no files, no GPU)')
    .option('--backend <name>', 'backend plugin or auto', 'auto')
    .action(async (opts: { backend: string }) => demoCommand({ backend: opts.backend, log }));

  program
    .command('plugins')
    .description('list registered plugins, or describe one: plugins <kind> <name>')
    .argument('[kind]')
    .argument('[name]')
    .action((kind?: string, name?: string) =>
      log(pluginsCommand(createFullRegistry(), kind, name)),
    );

  program
    .command('check')
    .description('validate an experiment config (JSON/YAML) against the registered plugins')
    .argument('<config>')
    .option('--set <path=value>', 'override a config value (repeatable)', collect, [])
    .action((file: string, opts: { set: string[] }) => {
      const config = loadExperimentConfig(file, opts.set);
      const registry = createFullRegistry(config.seed);
      const variants = expandAblation(config);
      for (const variant of variants) checkConfigPlugins(registry, variant.config);
      log(`${file}: valid (${variants.length} variant${variants.length === 1 ? '' : 's'})`);
    });

  return program;
}

/** Runs the CLI; errors of the toolkit print their code and message, not a stack. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof SpikedistillError) {
      console.error(pc.red(`error ${err.code}: ${err.message}`));
      return 1;
    }
    throw err;
  }
}
