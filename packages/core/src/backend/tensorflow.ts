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

/** Whether `pkg` can be imported here, and if not, why (missing vs. broken native addon). */
export async function probePackage(pkg: string): Promise<Availability> {
  // A failed load of one tfjs-node package leaves its kernels registered, so
  // the next one warns once per kernel; those warnings say nothing useful.
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!/is already registered/.test(String(args[0]))) warn(...args);
  };
  try {
    await import(pkg);
    return { available: true, detail: pkg };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const missing = /Cannot find (package|module)/.test(message) && message.includes(pkg);
    const addon = /native addon/.test(message);
    return {
      available: false,
      reason: missing
        ? `${pkg} is not installed`
        : addon
          ? `${pkg} is installed but its native addon was not built (its install script did not run)`
          : `${pkg} is installed but did not load (${message.split('\n')[0]})`,
      install: installHint(pkg),
    };
  } finally {
    console.warn = warn;
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
