/**
 * Injection tokens. `Symbol.for` puts them in the global symbol registry, so
 * two copies of @spikedistill/core in one app still agree on them.
 */
export const kindToken = (kind: string): symbol => Symbol.for(`spikedistill:${kind}`);

export const RegistryToken = Symbol.for('spikedistill:registry');
export const RngToken = Symbol.for('spikedistill:rng');
export const EventsToken = Symbol.for('spikedistill:events');
