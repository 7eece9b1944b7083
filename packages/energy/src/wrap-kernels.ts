import { SpikedistillError, tf } from '@spikedistill/core';

type KernelConfig = NonNullable<ReturnType<typeof tf.getKernel>>;
type KernelFunc = KernelConfig['kernelFunc'];

/**
 * Runs `fn` with each kernel of `backendName` named in `wrappers` replaced by
 * the wrapper's kernel function, then puts the very same kernel configs back,
 * also when `fn` throws. `fn` must be synchronous: while it runs JavaScript
 * runs nothing else, so no other work in the process ever sees the wrapped
 * kernels. A function that returns a promise is refused (after the restore),
 * since its continuation would run unwrapped and others could run wrapped.
 */
export function withWrappedKernels<T>(
  backendName: string,
  wrappers: Readonly<Record<string, (original: KernelFunc, name: string) => KernelFunc>>,
  fn: () => T,
): T {
  const originals: KernelConfig[] = [];
  for (const [name, wrap] of Object.entries(wrappers)) {
    const original = tf.getKernel(name, backendName);
    if (!original) continue;
    originals.push(original);
    tf.unregisterKernel(name, backendName);
    tf.registerKernel({ ...original, kernelFunc: wrap(original.kernelFunc, name) });
  }
  let result: T;
  try {
    result = fn();
  } finally {
    for (const original of originals) {
      if (tf.getKernel(original.kernelName, backendName)) {
        tf.unregisterKernel(original.kernelName, backendName);
      }
      tf.registerKernel(original);
    }
  }
  if (typeof (result as { then?: unknown } | undefined)?.then === 'function') {
    throw new SpikedistillError(
      'E_BAD_OPTIONS',
      'countOps: the measured function returned a promise; pass a synchronous function (run the model inside it, await nothing), so the instrumented kernels are never seen by other work',
    );
  }
  return result;
}
