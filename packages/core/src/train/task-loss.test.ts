import { beforeAll, describe, expect, it } from 'vitest';
import { corePackage } from '../register.js';
import { createRegistry } from '../registry/registry.js';
import { expectNoLeaks } from '../testing/leaks.js';
import { tf } from '../tf.js';
import { composeTaskLoss } from './task-loss.js';

describe('composeTaskLoss', () => {
  const registry = createRegistry({ packages: [corePackage] });
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('sums weighted terms and names repeats', async () => {
    const task = composeTaskLoss(
      ['l1', { name: 'mse', options: { weight: 2 } }, { name: 'l1', options: { weight: 0.5 } }].map(
        (ref, i) => registry.createFrom('loss', ref, `loss.${i}`),
      ),
    );
    const p = tf.tensor4d([0, 1], [1, 1, 2, 1]);
    const t = tf.tensor4d([1, 1], [1, 1, 2, 1]);
    await expectNoLeaks(() => {
      const { total, terms } = task(p, t);
      expect(Object.keys(terms)).toEqual(['l1', 'mse', 'l1#2']);
      // l1 = 0.5, mse = 0.5
      expect(terms.l1!.dataSync()[0]).toBeCloseTo(0.5);
      expect(terms.mse!.dataSync()[0]).toBeCloseTo(1);
      expect(terms['l1#2']!.dataSync()[0]).toBeCloseTo(0.25);
      expect(total.dataSync()[0]).toBeCloseTo(1.75);
      tf.dispose([total, ...Object.values(terms)]);
    });
    tf.dispose([p, t]);
  });

  it('refuses an empty list and names the config entry of an unknown loss', () => {
    expect(() => composeTaskLoss([])).toThrow(/the list of losses is empty/);
    expect(() => registry.createFrom('loss', 'l3', 'loss.1')).toThrow(
      /Unknown loss plugin 'l3' at loss\.1\. Did you mean 'l1'\?/,
    );
  });
});
