import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  checkConfigPlugins,
  type ExperimentConfig,
  expandAblation,
  formatOf,
  loadExperimentConfig,
  loadTeacherEvalConfig,
  type LoadOptions,
  type PluginPackage,
  parseConfigText,
  type RefValue,
  type Registry,
  type TeacherEvalConfig,
  SpikedistillError,
  selectBackend,
} from '@spikedistill/core';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import pc from 'picocolors';
import { ablateCommand } from './commands/ablate.js';
import { demoCommand } from './commands/demo.js';
import { energyCommand } from './commands/energy.js';
import { evalCommand } from './commands/evaluate.js';
import { addExportCommand } from './commands/export.js';
import { pluginsCommand } from './commands/plugins.js';
import { reportCommand } from './commands/report.js';
import { trainCommand } from './commands/train.js';
import { describeError } from './errors.js';
import { createFullRegistry } from './packages.js';
import { loadPluginPackages } from './plugin-loader.js';
import { ablateOnQueue } from './queue/coordinator.js';
import { workerCommand } from './queue/worker.js';
import type { PluginSource } from './runner/task.js';

const version = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

const collect = (value: string, previous: string[]) => [...previous, value];
const nonNegativeInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected an integer ≥ 0');
  return n;
};
const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
};

interface ConfigFlags {
  set: string[];
  plugin: string[];
  backend?: string;
}

interface RunFlags extends ConfigFlags {
  out?: string;
  resume: boolean;
  force: boolean;
  report: boolean;
  evalLimit?: number;
}

interface AblateFlags extends RunFlags {
  jobs: number;
  queue?: string;
  retries: number;
}

/**
 * Activates the backend the config asks for (`--backend` already applied to
 * it when it was loaded), and says which it is and why.
 */
async function activateBackend(
  registry: Registry,
  request: RefValue,
  log: (line: string) => void,
): Promise<string> {
  const selected = await selectBackend(registry, request);
  log(`backend: ${selected.name} — ${selected.reason}`);
  return selected.name;
}

/**
 * What a command needs from a config file: its plugin packages loaded (the
 * config's `plugins:` and `--plugin`), registries that know them, and the
 * validated config with its paths resolved against the file's folder.
 */
interface Session<C> {
  config: C;
  /** A registry of its own for a seed: every random stream of a run derives from it. */
  registryFor(seed?: number): Registry;
  /** Where the plugin packages came from, for a process that must load them again. */
  plugins: PluginSource[];
}

async function openSession<C extends { seed: number }>(
  file: string,
  flags: ConfigFlags,
  load: (file: string, set: readonly string[], registry: Registry, options: LoadOptions) => C,
): Promise<Session<C>> {
  const plugins: PluginSource[] = [
    { specs: flags.plugin, baseDir: process.cwd() },
    { specs: configPlugins(file), baseDir: dirname(resolve(file)) },
  ].filter((source) => source.specs.length);
  const extra: PluginPackage[] = [];
  for (const source of plugins)
    extra.push(...(await loadPluginPackages(source.specs, source.baseDir)));
  const registryFor = (seed?: number) => createFullRegistry(seed, extra);
  return {
    config: load(file, flags.set, registryFor(), { backend: flags.backend }),
    registryFor,
    plugins,
  };
}

/** The `plugins:` a config file lists, read before it is validated (its plugins may be needed to validate it). */
function configPlugins(file: string): string[] {
  let raw: unknown;
  try {
    raw = parseConfigText(readFileSync(file, 'utf8'), formatOf(file), file);
  } catch {
    return []; // loading the config reports what is wrong with the file
  }
  const plugins = (raw as { plugins?: unknown } | null)?.plugins;
  return Array.isArray(plugins) ? plugins.filter((p): p is string => typeof p === 'string') : [];
}

/**
 * Loads the config, applies `--set`, checks every plugin, file and nested
 * option, and activates the backend.
 */
async function prepare(
  file: string,
  flags: ConfigFlags,
  log: (line: string) => void,
): Promise<{ config: ExperimentConfig; registry: Registry; backend: string }> {
  const session = await openSession(file, flags, loadExperimentConfig);
  const registry = session.registryFor(session.config.seed);
  checkConfigPlugins(registry, session.config);
  const backend = await activateBackend(registry, session.config.backend, log);
  return { config: session.config, registry, backend };
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
    .option('--plugin <package>', 'load a plugin package (name or path; repeatable)', collect, [])
    .option(
      '--backend <name>',
      'backend plugin, or auto (overrides the config’s; its options stay when the name is the same)',
    );
}

export function buildProgram(log: (line: string) => void = console.log): Command {
  const program = new Command('spikedistill')
    .description('Train spiking neural networks for image restoration by distilling from ANNs')
    .version(version)
    .option('--debug', 'show the stack of an error')
    // Usage mistakes are thrown, not printed and exited on: main reports them
    // as every other failure (`error E_USAGE: …`). Subcommands inherit both.
    .exitOverride()
    .configureOutput({ outputError: () => {} });

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
  const runCommand = (name: string, description: string, outHelp: string) =>
    withConfig(program.command(name).description(description))
      .option('--out <dir>', outHelp)
      .option('--resume', 'continue from the newest checkpoint(s) in the run folder', false)
      .option('--force', 'replace a run already in the folder (its files are deleted)', false)
      .option('--eval-limit <n>', 'evaluate on at most n images per set', positiveInt)
      .option('--no-report', 'do not write report.html at the end (ablate)');

  runCommand(
    'train',
    'train the config’s student with its strategy',
    'run folder (default: <output>/<name>)',
  ).action(async (file: string, o: RunFlags) => {
    const { config, registry, backend } = await prepare(file, o, log);
    await trainCommand(registry, config, {
      runDir: o.out ?? join(config.output, config.name),
      resume: o.resume,
      force: o.force,
      evalLimit: o.evalLimit,
      grid: true,
      runInfo: { backend },
      log,
    });
  });
  runCommand(
    'ablate',
    'train every variant of the config’s `ablate` sweep and compare',
    'folder for the variants (default: <output>/<name>)',
  )
    .option(
      '--jobs <n>',
      'train n variants at once, each in a process of its own (at most one per core)',
      positiveInt,
      1,
    )
    .option(
      '--queue <url>',
      'enqueue the variants on Redis (redis://host:port/db) for `spikedistill worker`s, and follow them',
    )
    .option(
      '--retries <n>',
      'with --queue: attempts after the first for a failing variant',
      nonNegativeInt,
      1,
    )
    .action(async (file: string, o: AblateFlags) => {
      const { config, registryFor, plugins } = await openSession(file, o, loadExperimentConfig);
      const variants = expandAblation(config);
      // Every variant is checked before the first one trains.
      for (const v of variants) checkConfigPlugins(registryFor(v.config.seed), v.config);
      const outDir = o.out ?? join(config.output, config.name);
      const setup = { plugins };
      if (o.queue) {
        if (o.force || o.jobs !== 1) {
          throw new SpikedistillError(
            'E_BAD_OPTIONS',
            `--queue cannot be combined with ${o.force ? '--force (remove the variants’ folders, or choose another --out)' : '--jobs (start more workers, or give them --concurrency)'}`,
          );
        }
        await ablateOnQueue(config, {
          url: o.queue,
          outDir,
          resume: o.resume,
          evalLimit: o.evalLimit,
          retries: o.retries,
          setup,
          registryFor: (variant) => registryFor(variant.seed),
          report: o.report,
          log,
        });
        return;
      }
      await activateBackend(registryFor(), config.backend, log);
      await ablateCommand(config, {
        outDir,
        resume: o.resume,
        force: o.force,
        evalLimit: o.evalLimit,
        registryFor: (variant) => registryFor(variant.seed),
        jobs: o.jobs,
        processSetup: setup,
        report: o.report,
        log,
      });
    });

  program
    .command('worker')
    .description(
      'train ablation variants from a Redis queue (`ablate --queue`) until stopped (SIGTERM: checkpoint and hand back)',
    )
    .requiredOption('--queue <url>', 'Redis of the queue: redis://host:port/db')
    .requiredOption(
      '--results <dir>',
      'where runs go: <dir>/<ablation folder>/<variant> (shared with the coordinator’s --out parent)',
    )
    .option(
      '--concurrency <n>',
      'variants trained at once, each in its own process',
      positiveInt,
      1,
    )
    .option('--name <name>', 'this worker’s name in the coordinator’s table (default host:pid)')
    .option('--backend <name>', 'backend plugin for every variant (default: each config’s)')
    .option(
      '--stall-timeout <s>',
      'seconds without news from a worker before its job goes to another',
      positiveInt,
      30,
    )
    .action(
      async (o: {
        queue: string;
        results: string;
        concurrency: number;
        name?: string;
        backend?: string;
        stallTimeout: number;
      }) =>
        workerCommand({
          url: o.queue,
          results: o.results,
          concurrency: o.concurrency,
          name: o.name,
          backend: o.backend,
          stallTimeout: o.stallTimeout,
          log,
        }),
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
    .option('--out <dir>', 'folder for the per-image scores (default: the weights’ run folder)')
    .option('--json', 'print the per-image scores as JSON on stdout (logs go to stderr)', false)
    .option(
      '--memory-budget <MiB>',
      'memory one forward pass may take; larger images are restored in overlapping tiles (default 1024)',
      positiveInt,
    )
    .action(
      async (
        file: string,
        o: ConfigFlags & {
          weights?: string;
          model: 'student' | 'teacher';
          evalLimit?: number;
          engine: 'auto' | 'onnx' | 'tfjs';
          out?: string;
          json: boolean;
          memoryBudget?: number;
        },
      ) => {
        const say = o.json ? (line: string) => process.stderr.write(`${line}\n`) : log;
        const { config, registryFor } = await openSession<ExperimentConfig | TeacherEvalConfig>(
          file,
          o,
          o.model === 'teacher' ? loadTeacherEvalConfig : loadExperimentConfig,
        );
        const registry = registryFor(config.seed);
        checkConfigPlugins(registry, config, {
          purpose: o.model === 'teacher' ? 'eval-teacher' : 'train',
        });
        await activateBackend(registry, config.backend, say);
        const weights =
          o.weights ?? (o.model === 'teacher' ? config.teacher?.weights : config.student?.weights);
        const outDir = o.out ?? (o.weights ? dirname(o.weights) : join(config.output, config.name));
        await evalCommand(registry, config, { ...o, weights, outDir, log: say });
      },
    );

  addExportCommand(program, withConfig, (file, o) => prepare(file, o, log), log);

  withConfig(
    program
      .command('energy')
      .description('energy per image of the teacher and the student, measured on test images'),
  )
    .option('--weights <file>', 'student weights (firing rates depend on them)')
    .option(
      '--out <runDir>',
      'run folder: use its student.safetensors (unless --weights) and write energy.json there',
    )
    .action(async (file: string, o: ConfigFlags & { weights?: string; out?: string }) => {
      const { config, registry } = await prepare(file, o, log);
      await energyCommand(registry, config, { studentWeights: o.weights, out: o.out, log });
    });

  program
    .command('report')
    .description(
      'write report.html (tables, curves, firing rates, images), report.md and report.csv for a run or ablation folder',
    )
    .argument('<folder>', 'run folder or ablation folder')
    .option('--images <n>', 'test images per run in the image grids (0: none)', nonNegativeInt, 3)
    .option('--no-run', 'do not rebuild models (no new samples, teacher scores or energy)')
    .option('--backend <name>', 'backend for rebuilding models (default: the run config’s)')
    .action(
      async (folder: string, o: { images: number; run: boolean; backend?: string }) =>
        void (await reportCommand(folder, { ...o, log })),
    );

  program
    .command('plugins')
    .description('list registered plugins, or describe one: plugins <kind> <name>')
    .argument('[kind]')
    .argument('[name]')
    .option(
      '--plugin <package>',
      'also load a plugin package (name or path; repeatable)',
      collect,
      [],
    )
    .action(async (kind: string | undefined, name: string | undefined, o: { plugin: string[] }) =>
      log(
        pluginsCommand(
          createFullRegistry(undefined, await loadPluginPackages(o.plugin, process.cwd())),
          kind,
          name,
        ),
      ),
    );

  withConfig(
    program
      .command('check')
      .description('validate a config against the registered plugins, without training'),
  ).action(async (file: string, o: ConfigFlags) => {
    const { config, registryFor } = await openSession(file, o, loadExperimentConfig);
    const variants = expandAblation(config);
    for (const variant of variants)
      checkConfigPlugins(registryFor(variant.config.seed), variant.config);
    log(`${file}: valid (${variants.length} variant${variants.length === 1 ? '' : 's'})`);
  });

  return program;
}

/**
 * Runs the CLI. Every failure prints `error E_CODE: message` and returns 1;
 * `--debug` adds the stack.
 */
export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    await buildProgram().parseAsync(argv.filter((a) => a !== '--debug'));
    return 0;
  } catch (err) {
    // --help and --version end the parse with exit code 0.
    if (err instanceof CommanderError && err.exitCode === 0) return 0;
    const { code, message } = describeError(err);
    console.error(pc.red(`error ${code}: ${message}`));
    if (debug && err instanceof Error && err.stack) console.error(err.stack);
    return 1;
  }
}
