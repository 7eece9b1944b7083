import { ref } from '@spikedistill/core';
import { z } from 'zod';

/**
 * The usual neuron of spiking classifiers (SpikingJelly's LIFNode defaults:
 * τ = 2, threshold 1, hard reset to 0, decayed input) with the arctan
 * surrogate most SpikingJelly classification scripts use.
 */
export const CLASSIFIER_NEURON = { name: 'lif', options: { tau: 2, surrogate: 'atan' } };

/** Options every classifier has. */
export const classifierOptions = {
  channels: z.number().int().positive().default(1).describe('Image channels (1 gray, 3 RGB)'),
  classes: z.number().int().min(2).default(10).describe('Number of classes (logits per image)'),
};

/** Options of the spiking classifiers. */
export const spikingOptions = {
  timesteps: z.number().int().positive().max(256).default(4).describe('Time steps T (at most 256)'),
  neuron: ref('neuron', CLASSIFIER_NEURON).describe(
    'Neuron plugin reference {name, options} (from @spikedistill/neurons); options given for lif merge over these',
  ),
  encoder: ref('encoder', 'direct').describe(
    "Input encoder plugin ('direct': the image at every step, into the first conv)",
  ),
  norm: z
    .enum(['tdbn', 'bn', 'none'])
    .default('tdbn')
    .describe('Normalisation in every unit: threshold-dependent BN, plain BN over T·N, or none'),
  readout: z
    .enum(['membrane', 'spikes'])
    .default('membrane')
    .describe(
      "Logits: 'membrane' = the head's output averaged over T (mean membrane potential of non-firing integrators); 'spikes' = spike counts over T of output neurons",
    ),
};

/** Options of the ANN twins. */
export const annOptions = {
  norm: z.enum(['bn', 'none']).default('bn').describe('Batch norm after every conv, or none'),
};

export type SpikingFlavourOptions = z.output<z.ZodObject<typeof spikingOptions>>;
export type AnnFlavourOptions = z.output<z.ZodObject<typeof annOptions>>;
