import type { Backbone } from './backbone.js';

/**
 * Something read while a model is evaluated, e.g. the firing rate of every
 * spiking layer. `begin` is called before the first image of a set, `end`
 * after the last; `end` returns values by name (a layer's dotted path).
 */
export interface EvalProbe {
  readonly name: string;
  begin(model: Backbone): void;
  end(model: Backbone): Record<string, number>;
}
