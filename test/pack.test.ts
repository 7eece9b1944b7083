import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every published package must install alone from its tarball in an empty
 * directory (only its @spikedistill dependencies' tarballs beside it, the rest
 * from the npm registry) and import there: this catches missing `files`,
 * unbuilt `dist`, `workspace:`/`catalog:` left in a manifest, and imports of
 * undeclared dependencies. Needs the packages built (`pnpm build`). It also
 * checks what core brings along: tfjs-core alone, with its gradients and
 * chained ops registered, not the @tensorflow/tfjs union bundle, and never the
 * optional tfjs-node packages (whose install downloads libtensorflow).
 */
const root = resolve(import.meta.dirname, '..');
const pnpm = join(root, 'node_modules', '.bin', 'pnpm');

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
}

const packages = readdirSync(join(root, 'packages')).map((dir) => {
  const path = join(root, 'packages', dir);
  const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as Manifest;
  return { dir: path, manifest };
});
const byName = new Map(packages.map((p) => [p.manifest.name, p]));
/** Packages of building blocks, not plugins: they export no `register`. */
const layerPackages = new Set(['@spikedistill/nn']);

/** The package and its @spikedistill dependencies, transitively. */
function closure(name: string, seen = new Set<string>()): Set<string> {
  if (seen.has(name)) return seen;
  seen.add(name);
  for (const dep of Object.keys(byName.get(name)?.manifest.dependencies ?? {})) {
    if (byName.has(dep)) closure(dep, seen);
  }
  return seen;
}

const packDir = mkdtempSync(join(tmpdir(), 'sd-packs-'));
const tarballs = new Map<string, string>();
function tarballOf(name: string): string {
  let tgz = tarballs.get(name);
  if (!tgz) {
    const { dir } = byName.get(name)!;
    const out = execFileSync(pnpm, ['pack', '--pack-destination', packDir], {
      cwd: dir,
      encoding: 'utf8',
    });
    tgz = out.trim().split('\n').pop()!.trim();
    tarballs.set(name, tgz);
  }
  return tgz;
}

describe('published tarballs', () => {
  for (const { manifest } of packages.filter((p) => !p.manifest.private)) {
    it(`${manifest.name} installs alone in an empty directory and imports`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'sd-alone-'));
      writeFileSync(
        join(dir, 'package.json'),
        JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
      );
      const tgzs = [...closure(manifest.name)].map(tarballOf);
      for (const tgz of tgzs) {
        const listed = execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' });
        expect(listed).toContain('package/dist/index.js');
        expect(listed).not.toContain('package/src/');
        // Tests and their helpers stay in the repository (public `testing` entries aside).
        expect(listed).not.toMatch(/\.test(-helpers)?\.(js|d\.ts)$/m);
      }
      execFileSync(
        'npm',
        [
          'install',
          '--no-audit',
          '--no-fund',
          '--loglevel=error',
          // Optional native runtimes (tfjs-node, onnxruntime-node: 290 MB) are
          // left out: every package must import without them.
          '--omit=optional',
          ...tgzs,
          '@tensorflow/tfjs-core@4.22.0',
        ],
        { cwd: dir, stdio: 'pipe', env: { ...process.env, npm_config_ignore_scripts: 'true' } },
      );
      const installed = JSON.parse(
        readFileSync(join(dir, 'node_modules', manifest.name, 'package.json'), 'utf8'),
      ) as Manifest;
      expect(JSON.stringify(installed)).not.toMatch(/workspace:|catalog:/);
      for (const unwanted of ['tfjs', 'tfjs-node', 'tfjs-node-gpu', 'tfjs-layers']) {
        expect(existsSync(join(dir, 'node_modules', '@tensorflow', unwanted)), unwanted).toBe(
          false,
        );
      }
      const script = `
        const core = await import('@spikedistill/core');
        const { tf } = core;
        await tf.setBackend('cpu');
        const chained = [...tf.ones([2]).add(1).dataSync()];
        const grad = [...tf.grad((x) => tf.sum(tf.mul(x, x)))(tf.tensor1d([1, 2])).dataSync()];
        const pkg = await import('${manifest.name}');
        const registry = core.createRegistry();
        if (pkg.register) pkg.register(registry);
        console.log(JSON.stringify({
          kinds: registry.kinds(),
          register: typeof pkg.register,
          exports: Object.keys(pkg).length,
          chained,
          grad,
        }));
      `;
      const out = execFileSync('node', ['--input-type=module', '-e', script], {
        cwd: dir,
        encoding: 'utf8',
      });
      const result = JSON.parse(out.trim().split('\n').pop()!);
      expect(result.chained).toEqual([2, 2]);
      expect(result.grad).toEqual([2, 4]);
      if (layerPackages.has(manifest.name)) expect(result.exports).toBeGreaterThan(0);
      else expect(result.register).toBe('function');
    }, 300_000);
  }
});
