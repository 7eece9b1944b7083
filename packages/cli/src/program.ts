import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkConfigPlugins,
  type ExperimentConfig,
  expandAblation,
  loadExperimentConfig,
  type Registry,
  SpikedistillError,
  selectBackend,
} from '@spikedistill/core';
import { Command, InvalidArgumentError, Option } from 'commander';
import pc from 'picocolors';
import { ablateCommand } from './commands/ablate.js';
import { demoCommand } from './commands/demo.js';
import { energyCommand } from './commands/energy.js';
import { evalCommand } from './commands/evaluate.js';
import { addExportCommand } from './commands/export.js';
import { pluginsCommand } from './commands/plugins.js';
import { reportCommand } from './commands/report.js';
import { trainCommand } from './commands/train.js';
import { createFullRegistry } from './packages.js';

const version = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

const collect = (value: string, previous: string[]) => [...previous, value];
const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
};

interface ConfigFlags {
  set: string[];
  backend?: string;
}

interface RunFlags extends ConfigFlags {
  out?: string;
  resume: boolean;
  evalLimit?: number;
}

/** Loads the config, applies `--set`, builds the registry and activates the backend. */
async function prepare(
  file: string,
  flags: ConfigFlags,
  log: (line: string) => void,
): Promise<{ config: ExperimentConfig; registry: Registry }> {
  const config = loadExperimentConfig(file, flags.set);
  const registry = createFullRegistry(config.seed);
  checkConfigPlugins(registry, config);
  const selected = await selectBackend(registry, flags.backend ?? config.backend);
  log(`backend: ${selected.name} — ${selected.reason}`);
  return { config, registry };
}

function withConfig(command: Command): Command {
  return command
    .argument('<config>', 'experiment config (.yaml, .yml or .json)')
    .option(
      '--set <path=value>',
      'override a config value, e.g. train.steps=200 (repeatable)',
      collect,
      [],
    )
    .option('--backend <name>', 'backend plugin, or auto (overrides the config)');
}

export function buildProgram(log: (line: string) => void = console.log): Command {
  const program = new Command('spikedistill')
    .description('Train spiking neural networks for image restoration by distilling from ANNs')
    .version(version);

  program
    .command('demo')
    .description(
      'train a teacher and a spiking student with and without hints on built-in images, and report',
    )
    .option('--backend <name>', 'backend plugin or auto', 'auto')
    .option('--steps <n>', 'training steps per run', positiveInt, 150)
    .option('--out <dir>', 'where results go', join('runs', 'demo'))
    .action((o: { backend: string; steps: number; out: string }) =>
      demoCommand({ backend: o.backend, steps: o.steps, outDir: o.out, log }),
    );

  /** `train` and `ablate` share their run options; only what they run differs. */
  const runCommand = (
    name: string,
    description: string,
    outHelp: string,
    run: (
      registry: Registry,
      config: ExperimentConfig,
      o: RunFlags,
      outDir: string,
    ) => Promise<unknown>,
  ) =>
    withConfig(program.command(name).description(description))
      .option('--out <dir>', outHelp)
      .option('--resume', 'continue from the newest checkpoint(s) in the run folder', false)
      .option('--eval-limit <n>', 'evaluate on at most n images per set', positiveInt)
      .action(async (file: string, o: RunFlags) => {
        const { config, registry } = await prepare(file, o, log);
        await run(registry, config, o, o.out ?? join(config.output, config.name));
      });

  runCommand(
    'train',
    'train the config’s student with its strategy',
    'run folder (default: <output>/<name>)',
    (registry, config, o, runDir) =>
      trainCommand(registry, config, {
        runDir,
        resume: o.resume,
        evalLimit: o.evalLimit,
        grid: true,
        log,
      }),
  );
  runCommand(
    'ablate',
    'train every variant of the config’s `ablate` sweep and compare',
    'folder for the variants (default: <output>/<name>)',
    (registry, config, o, outDir) =>
      ablateCommand(registry, config, { outDir, resume: o.resume, evalLimit: o.evalLimit, log }),
  );

  withConfig(
    program
      .command('eval')
      .description('evaluate a trained student (or the teacher) on the test sets'),
  )
    .option('--weights <file>', 'safetensors weights (default: the config’s)')
    .addOption(
      new Option('--model <which>', 'which model')
        .choices(['student', 'teacher'])
        .default('student'),
    )
    .option('--eval-limit <n>', 'at most n images per set', positiveInt)
    .addOption(
      new Option(
        '--engine <engine>',
        'run the model on ONNX Runtime, tfjs, or auto (onnx when it loads)',
      )
        .choices(['auto', 'onnx', 'tfjs'])
        .default('auto'),
    )
    .action(
      async (
        file: string,
        o: ConfigFlags & {
          weights?: string;
          model: 'student' | 'teacher';
          evalLimit?: number;
          engine: 'auto' | 'onnx' | 'tfjs';
        },
      ) => {
        const { config, registry } = await prepare(file, o, log);
        await evalCommand(registry, config, { ...o, log });
      },
    );

  addExportCommand(program, withConfig, (file, o) => prepare(file, o, log), log);

  withConfig(
    program
      .command('energy')
      .description('energy per image of the teacher and the student, measured on test images'),
  )
    .option('--weights <file>', 'student weights (firing rates depend on them)')
    .action(async (file: string, o: ConfigFlags & { weights?: string }) => {
      const { config, registry } = await prepare(file, o, log);
      await energyCommand(registry, config, { studentWeights: o.weights, images: 1, log });
    });

  program
    .command('report')
    .description('summarise a run folder: scores, time, loss curve')
    .argument('<runDir>')
    .action((runDir: string) => reportCommand(runDir, log));

  program
    .command('plugins')
    .description('list registered plugins, or describe one: plugins <kind> <name>')
    .argument('[kind]')
    .argument('[name]')
    .action((kind?: string, name?: string) =>
      log(pluginsCommand(createFullRegistry(), kind, name)),
    );

  withConfig(
    program
      .command('check')
      .description('validate a config against the registered plugins, without training'),
  ).action((file: string, o: ConfigFlags) => {
    const config = loadExperimentConfig(file, o.set);
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
