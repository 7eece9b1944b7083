import { corePackage, createRegistry, tf } from '@spikedistill/core';
import { strategyConformance } from '@spikedistill/core/testing';
import { hintsPackage } from '@spikedistill/hints';
import { neuronsPackage } from '@spikedistill/neurons';
import { restorationPackage } from '@spikedistill/restoration';
import { customStrategyPackage } from './index.js';

const studentRef = { name: 'spiking-unet', options: { widths: [4, 4, 8], timesteps: 2 } };

// The built-in strategies and the example's, attached to a small spiking
// U-Net and an ANN U-Net teacher, as the trainer uses them.
strategyConformance(
  () =>
    createRegistry({
      packages: [
        corePackage,
        neuronsPackage,
        hintsPackage,
        restorationPackage,
        customStrategyPackage,
      ],
      seed: 2,
    }),
  {
    setup: async () => {
      await tf.setBackend('cpu');
    },
    options: { hint: { layers: [['dec1', 'dec1']] }, compose: { terms: ['tna', 'output-kd'] } },
    models: (registry) => ({
      student: registry.createFrom('backbone', studentRef, 'student'),
      teacher: registry.create('backbone', 'unet', { widths: [8, 8, 16] }, 'teacher'),
    }),
    studentRef,
    input: [2, 8, 8, 1],
  },
);
