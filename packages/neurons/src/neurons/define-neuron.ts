import { definePlugin, type Plugin } from '@spikedistill/core';
import type { z } from 'zod';
import type { NeuronFactory } from '../kinds.js';
import type { Surrogate } from '../surrogates/surrogate.js';
import type { Neuron } from './neuron.js';
import { resolveSurrogate, type SurrogateRef } from './options.js';

/** Options every neuron plugin has: the surrogate it fires with. */
type NeuronPluginOptions = { surrogate: SurrogateRef };

/**
 * A `neuron` plugin from its options schema and the layer it makes: the
 * surrogate option is resolved through the registry (an unknown name says
 * where and lists the registered ones), and the factory hands every layer the
 * same validated options and surrogate.
 */
export function defineNeuron<S extends z.ZodType<NeuronPluginOptions>>(definition: {
  name: string;
  description: string;
  /** The plugin's options (zod): defaults, types, validation and `--help`; must include `surrogate`. */
  options: S;
  /** A fresh layer of these neurons. */
  layer: (options: z.output<S>, surrogate: Surrogate) => Neuron;
  /** The firing threshold of the layers it makes (tdBN scales by it); default `options.threshold`. */
  threshold?: (options: z.output<S>) => number;
}): Plugin<'neuron', z.output<S>, NeuronFactory<z.output<S>>> {
  const { name, layer } = definition;
  const threshold =
    definition.threshold ??
    ((options: z.output<S>) => (options as { threshold: number }).threshold);
  return definePlugin({
    kind: 'neuron',
    name,
    description: definition.description,
    options: definition.options,
    create: (options, ctx): NeuronFactory<z.output<S>> => {
      const surrogate = resolveSurrogate(options.surrogate, ctx);
      return {
        name,
        options,
        surrogate,
        threshold: threshold(options),
        create: () => layer(options, surrogate),
      };
    },
  });
}
