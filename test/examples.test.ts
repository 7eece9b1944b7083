import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The example packages run as a user runs them: `spikedistill train` on the
 * example's own experiment.yaml, whose `plugins:` loads the example's built
 * package (needs `pnpm build`). A few steps each.
 */
const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'packages', 'cli', 'dist', 'bin.js');
const out = mkdtempSync(join(tmpdir(), 'sd-examples-'));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('example plugin packages through the CLI', () => {
  for (const example of ['custom-neuron', 'custom-strategy']) {
    it(`${example}: check, then train from its experiment.yaml`, () => {
      const config = join('examples', example, 'experiment.yaml');
      const check = cli(['check', config]);
      expect(check.code, check.err).toBe(0);
      const dir = join(out, example);
      const run = cli([
        'train',
        config,
        '--out',
        dir,
        '--set',
        'train.steps=3',
        '--set',
        'train.batch=2',
        '--set',
        'data.options.testImages=1',
      ]);
      expect(run.code, run.err).toBe(0);
      const config2 = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
      // recorded relative to the run folder, so the folder can move with the project
      expect(config2.plugins[0]).toMatch(/^\.\.\//);
      expect(resolve(dir, config2.plugins[0])).toBe(
        join(root, 'examples', example, 'dist', 'index.js'),
      );
      expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).steps).toBe(3);
    });
  }

  it('names a plugin package that cannot be found or has no register()', () => {
    const missing = cli(['plugins', '--plugin', 'spikedistill-plugin-nowhere']);
    expect(missing.err).toMatch(
      /error E_PLUGIN_LOAD: plugin package 'spikedistill-plugin-nowhere' cannot be found/,
    );
    expect(missing.code).toBe(1);
    const bad = cli(['plugins', '--plugin', './package.json']);
    expect(bad.err).toMatch(
      /error E_PLUGIN_LOAD: plugin package '\.\/package\.json' .* (has no register|failed to load)/,
    );
    const listed = cli([
      'plugins',
      'strategy',
      '--plugin',
      './examples/custom-strategy/dist/index.js',
    ]);
    expect(listed.code, listed.err).toBe(0);
    expect(listed.out).toMatch(/encoder-attention/);
  });
});
