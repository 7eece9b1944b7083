import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  checkConfigPlugins,
  expandAblation,
  parseConfigText,
  parseExperimentConfig,
} from '@spikedistill/core';
import { createFullRegistry } from '@spikedistill/cli';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The examples in the READMEs are true to the code (needs `pnpm build`: they
 * compile against the packages' published types, as a user's code does):
 *
 * - every ```ts block compiles on its own, as an ES module with top-level
 *   await, against the built packages; a block that is only a signature or a
 *   piece of a larger program says so: ```ts fragment;
 * - a ```ts run block (the plugin-contract examples: they need no files) also
 *   runs, in a Node process of its own, and must exit 0;
 * - every ```yaml block that is an experiment config (it has `student:`,
 *   `strategy:` or `backend:`) validates, with every plugin and option checked
 *   by `check`, in each of its ablation variants. Parts a block leaves out
 *   come from a small base config; files it names need not exist. A block of
 *   one-line alternatives (```yaml alternatives) is checked line by line; one
 *   that names plugins of a package the reader writes, ```yaml fragment, is not.
 */
const root = resolve(import.meta.dirname, '..');
const readmes = [
  'README.md',
  ...['packages', 'examples'].flatMap((parent) =>
    readdirSync(join(root, parent), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => join(parent, d.name, 'README.md'))
      .filter((file) => {
        try {
          readFileSync(join(root, file));
          return true;
        } catch {
          return false;
        }
      }),
  ),
];

interface Block {
  readme: string;
  line: number;
  lang: string;
  flags: string[];
  code: string;
}

function blocks(readme: string): Block[] {
  const lines = readFileSync(join(root, readme), 'utf8').split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w+)(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const start = i + 1;
    while (i + 1 < lines.length && !lines[i + 1]!.startsWith('```')) i++;
    out.push({
      readme,
      line: start,
      lang: open[1]!,
      flags: open[2]!.trim().split(/\s+/).filter(Boolean),
      code: lines.slice(start, i + 1).join('\n'),
    });
    i++;
  }
  return out;
}

const all = readmes.flatMap(blocks);
const where = (block: Block, line: number) => `${block.readme}:${block.line + line + 1}`;
/** Inside test/node_modules, so the files resolve packages as test/ does. */
const dir = join(root, 'test', 'node_modules', '.cache', 'readme-examples');
const fileOf = (block: Block, ext: string) =>
  join(dir, `${block.readme.replaceAll('/', '_')}-${block.line}.${ext}`);

describe('README examples', () => {
  it('finds the READMEs and their examples', () => {
    expect(readmes).toContain('packages/cli/README.md');
    expect(all.filter((b) => b.lang === 'ts').length).toBeGreaterThan(10);
  });

  it('every ts block compiles against the built packages', () => {
    const tsBlocks = all.filter((b) => b.lang === 'ts' && !b.flags.includes('fragment'));
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const files = new Map<string, Block>();
    for (const block of tsBlocks) {
      const file = fileOf(block, 'ts');
      // `export {}` makes a block without imports a module too (top-level await, own scope).
      writeFileSync(file, `${block.code}\nexport {};\n`);
      files.set(file, block);
    }
    const program = ts.createProgram([...files.keys()], {
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2023.d.ts'],
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      types: ['node'],
      typeRoots: [join(root, 'node_modules', '@types')],
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && files.has(resolve(d.file.fileName)))
      .map((d) => {
        const block = files.get(resolve(d.file!.fileName))!;
        const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
        const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
        return `${block.readme}:${block.line + line + 1}: ${text}`;
      });
    expect(problems, problems.join('\n')).toEqual([]);
  });

  for (const block of all.filter((b) => b.lang === 'ts' && b.flags.includes('run'))) {
    it(`${block.readme}:${block.line} runs`, () => {
      mkdirSync(dir, { recursive: true });
      const file = fileOf(block, 'mjs');
      const js = ts.transpileModule(block.code, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      }).outputText;
      writeFileSync(file, js);
      const r = spawnSync(process.execPath, [file], { cwd: dir, encoding: 'utf8' });
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    });
  }

  const base = {
    data: { name: 'procedural-denoise' },
    student: { name: 'spiking-unet' },
  };
  const configBlocks = all.filter(
    (b) =>
      b.lang === 'yaml' &&
      !b.flags.includes('fragment') &&
      /^(student|strategy|backend):/m.test(b.code),
  );
  const check = (text: string, source: string) => {
    const raw = parseConfigText(text, 'yaml', source) as Record<string, unknown>;
    const config = parseExperimentConfig({ ...base, ...raw }, source);
    const registry = createFullRegistry(config.seed);
    for (const variant of expandAblation(config))
      checkConfigPlugins(registry, variant.config, { files: false });
  };
  for (const block of configBlocks) {
    it(`${block.readme}:${block.line} is a valid experiment config`, () => {
      if (!block.flags.includes('alternatives')) return check(block.code, where(block, 0));
      block.code.split('\n').forEach((line, i) => {
        if (line.trim() && !line.trim().startsWith('#')) check(line, where(block, i));
      });
    });
  }
});
