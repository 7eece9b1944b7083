import { tf } from '../tf.js';

/**
 * Runs `fn` and throws if it left tensors behind. Returns what `fn` returned
 * (which must not itself be a tensor, or it would count as a leak).
 */
export async function expectNoLeaks<T>(
  fn: () => T | Promise<T>,
  what = 'the code under test',
): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  const after = tf.memory().numTensors;
  if (after !== before) {
    throw new Error(
      `${what} leaked ${after - before} tensor(s) (${before} before, ${after} after)`,
    );
  }
  return result;
}
