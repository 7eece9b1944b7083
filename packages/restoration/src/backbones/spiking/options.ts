import { ref } from '@spikedistill/core';
import { z } from 'zod';

/**
 * The student defaults of the H-KD paper (arXiv 2504.01755, after ESDNet):
 * LIF with τ = 2, threshold 0.15, hard reset to 0, undecayed input, sigmoid
 * surrogate; tdBN; T = 4 direct-encoded steps.
 */
export const HKD_NEURON = {
  name: 'lif',
  options: { tau: 2, threshold: 0.15, vReset: 0, decayInput: false, surrogate: 'sigmoid' },
};

/** Options every spiking student shares. */
export const spikingOptions = {
  channels: z.number().int().positive().default(1).describe('Image channels (1 gray, 3 RGB)'),
  timesteps: z.number().int().positive().max(256).default(4).describe('Time steps T (at most 256)'),
  neuron: ref('neuron', HKD_NEURON).describe(
    'Neuron plugin reference {name, options} (from @spikedistill/neurons); options given for the preset neuron (lif) merge over its H-KD options',
  ),
  encoder: ref('encoder', 'direct').describe(
    "Input encoder plugin ('direct': the image at every step)",
  ),
  norm: z
    .enum(['tdbn', 'bn', 'none'])
    .default('tdbn')
    .describe(
      'Normalisation in every spiking block: threshold-dependent BN, plain BN over T·N, or none',
    ),
  tapSignal: z
    .enum(['spikes', 'current'])
    .default('spikes')
    .describe(
      "What taps record per step: the blocks' spikes, or their input current (conv → norm)",
    ),
  residual: z.boolean().default(true).describe('Global residual around the network'),
};
