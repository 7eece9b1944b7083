// tsyringe needs the Reflect metadata polyfill loaded before it is.
import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import {
  BadOptionsError,
  DuplicatePluginError,
  PluginCreateError,
  SpikedistillError,
  UnknownPluginError,
} from '../errors.js';
import type { SelectedBackend } from '../backend/select.js';
import { createEvents, type Events } from '../events.js';
import { eventLogger, type Logger } from '../logger.js';
import type { Context, InstanceOf, Kind, Plugin, PluginPackage, PluginRef } from '../plugin.js';
import { Rng } from '../rng.js';
import {
  BackendToken,
  EventsToken,
  LoggerToken,
  PathToken,
  pluginToken,
  RegistryToken,
  RngToken,
} from '../tokens.js';
import { closestMatch } from '../util/closest.js';
import { formatZodIssues } from './format-issues.js';
import { asRef, type RefValue } from '../config/ref.js';
import { walkOptions } from '../config/walk-options.js';

interface Entry {
  plugin: Plugin;
  source: string;
}

export interface RegisterOptions {
  /** Replace a plugin of the same kind and name on purpose. */
  override?: boolean;
  /** Who registers it, for duplicate-name errors (defaults to the package being loaded). */
  source?: string;
}

export interface CreateRegistryOptions {
  packages?: readonly PluginPackage[];
  /** Seed of the registry's random stream; every plugin gets a fork named by its config path. */
  seed?: number;
  events?: Events;
  /** Where plugins log (`ctx.logger`); default: `log` events on `events`. */
  logger?: Logger;
  parent?: Registry;
}

/** What `describe()` says about one plugin: enough for `--help` and generated docs. */
export interface PluginDescription {
  kind: string;
  name: string;
  version?: string;
  description?: string;
  source: string;
  /** JSON Schema of the options as a user writes them (defaults included). */
  schema: unknown;
  /** The options `create()` receives when none are given, or undefined if some are required. */
  defaults: unknown;
  meta?: Readonly<Record<string, unknown>>;
}

/**
 * Plugins by kind and name, in a tsyringe child container: each registry is
 * isolated (tests and parallel experiments share nothing), a child registry
 * sees its parent's plugins and may shadow them. Each plugin is registered
 * under its own token (`pluginToken(kind, name)`), so lookups walk the
 * container chain; the services plugins receive (registry, events, logger,
 * backend, and per create a random stream and a config path) are registered
 * the same way and resolved into the `Context` of each `create()`.
 */
export class Registry {
  readonly container: DependencyContainer;
  readonly parent: Registry | undefined;
  readonly rng: Rng;
  readonly events: Events;
  readonly logger: Logger;
  private loading: string | undefined;
  /** Names registered here (not inherited), by kind: for `list()` and `kinds()`. */
  private readonly ownNames = new Map<string, Set<string>>();

  constructor(options: CreateRegistryOptions = {}) {
    this.parent = options.parent;
    this.container = (this.parent?.container ?? rootContainer).createChildContainer();
    this.rng = new Rng(options.seed ?? this.parent?.rng.seed ?? 0);
    this.events = options.events ?? this.parent?.events ?? createEvents();
    this.logger =
      options.logger ??
      (options.events || !this.parent ? eventLogger(this.events) : this.parent.logger);
    this.container.register(RegistryToken, { useValue: this });
    this.container.register(RngToken, { useValue: this.rng });
    this.container.register(EventsToken, { useValue: this.events });
    this.container.register(LoggerToken, { useValue: this.logger });
    for (const pkg of options.packages ?? []) this.use(pkg);
  }

  /** Makes `selected` the backend every later `create()` sees as `ctx.backend` (`selectBackend` calls it). */
  setBackend(selected: SelectedBackend): void {
    this.container.register(BackendToken, { useValue: selected });
  }

  /** Registers everything a package offers; duplicates are reported against the package name. */
  use(pkg: PluginPackage): this {
    const previous = this.loading;
    this.loading = pkg.name;
    try {
      pkg.register(this);
    } finally {
      this.loading = previous;
    }
    return this;
  }

  register(plugin: Plugin, options: RegisterOptions = {}): this {
    checkPluginShape(plugin);
    const source = options.source ?? this.loading ?? 'user code';
    const existing = this.entry(plugin.kind, plugin.name);
    if (existing && !options.override) {
      throw new DuplicatePluginError(plugin.kind, plugin.name, existing.source, source);
    }
    const entry: Entry = { plugin, source };
    this.container.register(pluginToken(plugin.kind, plugin.name), { useValue: entry });
    const names = this.ownNames.get(plugin.kind) ?? new Set<string>();
    this.ownNames.set(plugin.kind, names.add(plugin.name));
    return this;
  }

  has(kind: Kind, name: string): boolean {
    return this.entry(kind, name) !== undefined;
  }

  /** Names registered for `kind` (own and inherited), sorted. */
  list(kind: Kind): string[] {
    const names = new Set(this.parent?.list(kind) ?? []);
    for (const name of this.ownNames.get(kind) ?? []) names.add(name);
    return [...names].sort();
  }

  /** Every kind that has at least one plugin. */
  kinds(): string[] {
    const kinds = new Set(this.parent?.kinds() ?? []);
    for (const kind of this.ownNames.keys()) kinds.add(kind);
    return [...kinds].sort();
  }

  get<K extends Kind>(kind: K, name: string, path = kind): Plugin<K> {
    const entry = this.entry(kind, name);
    if (!entry) {
      const known = this.list(kind);
      throw new UnknownPluginError(kind, name, known, closestMatch(name, known), path);
    }
    return entry.plugin as Plugin<K>;
  }

  describe(kind: Kind, name: string): PluginDescription {
    const { plugin, source } = this.entry(kind, name) ?? {
      plugin: this.get(kind, name),
      source: '',
    };
    const defaults = plugin.options.safeParse({});
    return {
      kind: plugin.kind,
      name: plugin.name,
      version: plugin.version,
      description: plugin.description,
      source,
      schema: z.toJSONSchema(plugin.options, { io: 'input', unrepresentable: 'any' }),
      defaults: defaults.success ? defaults.data : undefined,
      meta: plugin.meta,
    };
  }

  /**
   * Validates `options` against the plugin's schema, strictly at every depth:
   * unknown keys (also inside nested objects) are errors, not ignored, and
   * every nested plugin reference (`ref(kind)`) must name a registered plugin
   * whose own options validate. Errors carry the config path.
   */
  parseOptions(kind: Kind, name: string, options: unknown = {}, path = kind): unknown {
    const plugin = this.get(kind, name, path);
    const schema = plugin.options instanceof z.ZodObject ? plugin.options.strict() : plugin.options;
    const unknown: string[] = [];
    walkOptions(schema, options ?? {}, '', {
      unknownKey: (key, known, at) => {
        const near = closestMatch(key, known);
        unknown.push(
          `${at ? `${at}: ` : ''}unknown option '${key}'${near ? ` (did you mean '${near}'?)` : ''}; valid options: ${known.join(', ') || '(none)'}`,
        );
      },
      ref: (tag, value, at) => {
        const nested = nestedRef(value, tag.preset);
        if (nested)
          this.parseOptions(tag.kind, nested.name, nested.options, `${path}.options.${at}`);
        return value;
      },
    });
    if (unknown.length)
      throw new BadOptionsError(`${path}.options`, `${kind} '${name}': ${unknown.join('; ')}`);
    const parsed = schema.safeParse(options ?? {});
    if (!parsed.success) {
      throw new BadOptionsError(
        `${path}.options`,
        `${kind} '${name}': ${formatZodIssues(parsed.error, schema instanceof z.ZodObject ? Object.keys(schema.shape) : undefined)}`,
      );
    }
    return parsed.data;
  }

  /**
   * Validates options and builds the instance. `path` names the place in the
   * experiment config, so every error says where the offending value came from.
   */
  create<K extends Kind>(
    kind: K,
    name: string,
    options?: unknown,
    path: string = kind,
  ): InstanceOf<K> {
    const plugin = this.get(kind, name, path);
    const parsed = this.parseOptions(kind, name, options, path);
    const ctx = this.contextFor(path);
    try {
      return plugin.create(parsed, ctx) as InstanceOf<K>;
    } catch (err) {
      // Errors from nested creates already name their own place.
      if (err instanceof SpikedistillError) throw err;
      throw new PluginCreateError(kind, name, path, err);
    }
  }

  /** `create()` from a config reference `{ name, options }`. */
  createFrom<K extends Kind>(kind: K, ref: PluginRef | string, path: string = kind): InstanceOf<K> {
    const { name, options } = typeof ref === 'string' ? { name: ref, options: undefined } : ref;
    return this.create(kind, name, options, path);
  }

  /** An isolated registry that inherits these plugins (and may shadow them). */
  child(options: Omit<CreateRegistryOptions, 'parent'> = {}): Registry {
    return new Registry({ ...options, parent: this });
  }

  /**
   * The child container a `create()` at `path` runs in: the plugin's own
   * random stream (forked from the registry's by path) and path, over the
   * registry's services.
   */
  private contextFor(path: string): Context {
    const scope = this.container.createChildContainer();
    scope.register(PathToken, { useValue: path });
    scope.register(RngToken, { useValue: this.rng.fork(path) });
    return {
      registry: scope.resolve<Registry>(RegistryToken),
      path: scope.resolve<string>(PathToken),
      rng: scope.resolve<Rng>(RngToken),
      events: scope.resolve<Events>(EventsToken),
      logger: scope.resolve<Logger>(LoggerToken),
      get backend() {
        return scope.isRegistered(BackendToken, true)
          ? scope.resolve<SelectedBackend>(BackendToken)
          : undefined;
      },
      container: scope,
    };
  }

  private entry(kind: Kind, name: string): Entry | undefined {
    const token = pluginToken(kind, name);
    return this.container.isRegistered(token, true)
      ? this.container.resolve<Entry>(token)
      : undefined;
  }
}

function checkPluginShape(plugin: Plugin): void {
  const problems: string[] = [];
  if (!plugin || typeof plugin !== 'object')
    throw new SpikedistillError('E_BAD_PLUGIN', 'A plugin must be an object');
  if (typeof plugin.kind !== 'string' || !plugin.kind)
    problems.push('`kind` must be a non-empty string');
  if (typeof plugin.name !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/i.test(plugin.name))
    problems.push('`name` must be a non-empty identifier (letters, digits, . _ -)');
  if (!(plugin.options instanceof z.ZodType)) problems.push('`options` must be a zod schema');
  if (typeof plugin.create !== 'function') problems.push('`create` must be a function');
  if (problems.length) {
    throw new SpikedistillError(
      'E_BAD_PLUGIN',
      `Plugin ${String(plugin.kind)}/${String(plugin.name)} does not follow the plugin contract: ${problems.join('; ')}`,
    );
  }
}

export function createRegistry(options: CreateRegistryOptions = {}): Registry {
  return new Registry(options);
}

/** A nested reference as `{ name, options }` with a preset merged in; undefined when malformed (the schema reports it). */
function nestedRef(value: unknown, preset: PluginRef | undefined): PluginRef | undefined {
  const isRef =
    (typeof value === 'string' && value.length > 0) ||
    (value !== null && typeof value === 'object' && typeof (value as PluginRef).name === 'string');
  if (!isRef) return undefined;
  const r = asRef(value as RefValue);
  if (preset && r.name === preset.name)
    return { name: r.name, options: { ...preset.options, ...r.options } };
  return r;
}
