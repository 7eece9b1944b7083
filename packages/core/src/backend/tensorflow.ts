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

/** What libtensorflow 2.9.1 (tfjs-node-gpu 4.22) needs from the machine to run on a GPU. */
const cudaNeeds =
  'Linux x64 with an NVIDIA driver ≥ 450, CUDA 11.2 and cuDNN 8.1 (see "GPU" in @spikedistill/core\'s README)';

const installHint = (pkg: string) =>
  `install it where its install script can download libtensorflow: \`npm install ${pkg}@4.22.0\` ` +
  `or \`pnpm add --allow-build=${pkg} ${pkg}@4.22.0\` (in a workspace that lists it under ` +
  `\`allowBuilds\`: set it to true, then \`pnpm rebuild ${pkg}\`)${pkg === packages.gpu ? `; it needs ${cudaNeeds}` : ''}`;

/**
 * Whether the tfjs-node backend registered as `name` runs its ops on a GPU
 * (undefined when no such backend initialises). tfjs-node-gpu on a machine
 * without a usable CUDA device still loads, and runs on the CPU.
 */
export function tensorflowUsesGpu(name = 'tensorflow'): boolean | undefined {
  // findBackend initialises a registered backend without making it the active one.
  const backend = tf.findBackend(name) as { isUsingGpuDevice?: boolean } | null;
  return backend ? backend.isUsingGpuDevice === true : undefined;
}

/**
 * What loading `pkg` means for a request of `device`: tfjs-node-gpu that
 * found no GPU is unavailable when a GPU was asked for (never a silent run on
 * the CPU), and says so when any device will do.
 */
export function deviceAvailability(
  pkg: string,
  device: 'auto' | 'gpu' | 'cpu',
  usesGpu: boolean | undefined,
): Availability {
  if (pkg !== packages.gpu) return { available: true, detail: `${pkg} (CPU)` };
  if (usesGpu) return { available: true, detail: `${pkg} (CUDA GPU)` };
  if (device === 'gpu')
    return {
      available: false,
      reason: `${pkg} loaded, but TensorFlow found no usable CUDA GPU (it would run on the CPU)`,
      install:
        `check that \`nvidia-smi\` lists the GPU and that the CUDA 11.2 and cuDNN 8.1 libraries ` +
        `(libcudart.so.11.0, libcudnn.so.8) are on LD_LIBRARY_PATH; it needs ${cudaNeeds}`,
    };
  return {
    available: true,
    detail: `${pkg} (no usable CUDA GPU found: TensorFlow runs on the CPU)`,
  };
}

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
      .describe(
        "which tfjs-node package to load: 'gpu' (tfjs-node-gpu on a CUDA GPU, an error without one), 'cpu' (tfjs-node), 'auto' (gpu, else cpu)",
      ),
  }),
  create: ({ device }): Backend => {
    const order = device === 'auto' ? [packages.gpu, packages.cpu] : [packages[device]];
    let loaded: string | undefined;
    const probe = async (): Promise<Availability> => {
      const reasons: string[] = [];
      for (const pkg of order) {
        const result = await probePackage(pkg);
        if (!result.available) {
          reasons.push(result.reason);
          continue;
        }
        const onDevice = deviceAvailability(pkg, device, tensorflowUsesGpu());
        if (onDevice.available) loaded = pkg;
        return onDevice;
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
