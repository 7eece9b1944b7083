import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { definePlugin } from '../plugin.js';
import { tf } from '../tf.js';
import type { Availability, Backend } from './backend.js';

const packages = {
  gpu: '@tensorflow/tfjs-node-gpu',
  cpu: '@tensorflow/tfjs-node',
} as const;

const installHint = (pkg: string) =>
  `install it where libtensorflow can be downloaded: \`pnpm add ${pkg}\` and allow its build ` +
  `(\`allowBuilds: { "${pkg}": true }\` in pnpm-workspace.yaml, then \`pnpm rebuild ${pkg}\`)`;

/** node-pre-gyp's description of a package's native addon (tfjs-node's `binary` field). */
interface PreGypBinary {
  module_name: string;
  module_path: string;
  napi_versions?: number[];
}

/** The package's folder as seen from `from`, or undefined when it is not installed. */
function packageDir(pkg: string, from: string): string | undefined {
  try {
    return dirname(createRequire(from).resolve(`${pkg}/package.json`));
  } catch {
    return undefined;
  }
}

/** Whether the native addon a node-pre-gyp package declares is on disk (its install script ran). */
function addonBuilt(dir: string): boolean {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    binary?: PreGypBinary;
  };
  const binary = manifest.binary;
  if (!binary) return true;
  const versions = binary.napi_versions ?? [];
  const paths = versions.length
    ? versions.map((v) => binary.module_path.replace('{napi_build_version}', String(v)))
    : [binary.module_path];
  return paths.some((p) => existsSync(join(dir, p, `${binary.module_name}.node`)));
}

/**
 * Whether `pkg` can be imported here, and if not, why (missing vs. native
 * addon not built vs. broken). A missing package or addon is told from the
 * files, without importing: tfjs-node registers its kernels before it loads
 * its addon, so a failed import would leave them behind (and a later import
 * of tfjs-node-gpu warn once per kernel).
 */
export async function probePackage(
  pkg: string,
  /** Where to resolve it from (a file path or URL; default: this package). */
  from: string = import.meta.url,
): Promise<Availability> {
  const dir = packageDir(pkg, from);
  if (!dir)
    return { available: false, reason: `${pkg} is not installed`, install: installHint(pkg) };
  if (!addonBuilt(dir)) {
    return {
      available: false,
      reason: `${pkg} is installed but its native addon was not built (its install script did not run)`,
      install: installHint(pkg),
    };
  }
  try {
    await import(pathToFileURL(createRequire(from).resolve(pkg)).href);
    return { available: true, detail: pkg };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      available: false,
      reason: `${pkg} is installed but did not load (${message.split('\n')[0]})`,
      install: installHint(pkg),
    };
  }
}

/** libtensorflow through tfjs-node(-gpu): optional, never required, best when present. */
export const tensorflowBackend = definePlugin({
  kind: 'backend',
  name: 'tensorflow',
  description:
    'Native TensorFlow via @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node (optional).',
  options: z.object({
    device: z
      .enum(['auto', 'gpu', 'cpu'])
      .default('auto')
      .describe('which tfjs-node package to load'),
  }),
  create: ({ device }): Backend => {
    const order = device === 'auto' ? [packages.gpu, packages.cpu] : [packages[device]];
    let loaded: string | undefined;
    const probe = async (): Promise<Availability> => {
      const reasons: string[] = [];
      for (const pkg of order) {
        const result = await probePackage(pkg);
        if (result.available) {
          loaded = pkg;
          return result;
        }
        reasons.push(result.reason);
      }
      return {
        available: false,
        reason: reasons.join('; '),
        install: installHint(order[order.length - 1]!),
      };
    };
    return {
      tfName: 'tensorflow',
      priority: 100,
      probe,
      activate: async () => {
        if (!loaded) {
          const result = await probe();
          if (!result.available) throw new Error(result.reason);
        }
        await tf.setBackend('tensorflow');
        await tf.ready();
      },
    };
  },
});
