/**
 * Injection tokens. `Symbol.for` puts them in the global symbol registry, so
 * two copies of @spikedistill/core in one app still agree on them.
 *
 * A registry's tsyringe container holds the shared services (the registry,
 * its events, its logger, the selected backend); each `create()` runs in a
 * child container that adds the plugin's own config path and random stream.
 * `ctx` exposes them, and `ctx.container.resolve(token)` reaches any service
 * an application registered on `registry.container`.
 */
export const kindToken = (kind: string): symbol => Symbol.for(`spikedistill:${kind}`);

/** The plugin `kind`/`name`, as registered (the newest registration wins; children shadow parents). */
export const pluginToken = (kind: string, name: string): symbol =>
  Symbol.for(`spikedistill:plugin:${kind}/${name}`);

export const RegistryToken = Symbol.for('spikedistill:registry');
/** The registry's stream; inside a `create()`, the plugin's own fork of it. */
export const RngToken = Symbol.for('spikedistill:rng');
export const EventsToken = Symbol.for('spikedistill:events');
export const LoggerToken = Symbol.for('spikedistill:logger');
/** The backend `selectBackend` activated for this registry (absent until then). */
export const BackendToken = Symbol.for('spikedistill:backend');
/** Inside a `create()`: the dotted config path of the plugin being made. */
export const PathToken = Symbol.for('spikedistill:path');
