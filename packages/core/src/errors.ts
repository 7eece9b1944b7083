/**
 * Every error the toolkit raises on purpose carries a stable `code`, so
 * callers (the CLI, tests, user scripts) can branch on it, and a message that
 * says what was wrong, where, and what would be valid.
 */
export type ErrorCode =
  | 'E_UNKNOWN_PLUGIN'
  | 'E_DUPLICATE_PLUGIN'
  | 'E_BAD_OPTIONS'
  | 'E_PLUGIN_CREATE'
  | 'E_BAD_PLUGIN'
  | 'E_CONFIG'
  | 'E_BACKEND_UNAVAILABLE'
  | 'E_SHAPE'
  | 'E_NAN_LOSS'
  | 'E_CHECKPOINT'
  | 'E_IO'
  | 'E_NOT_A_RUN'
  | 'E_DATASET'
  | 'E_WEIGHTS'
  | 'E_RUN_EXISTS'
  | 'E_RUN_LOCKED'
  | 'E_NONFINITE'
  | 'E_MEMORY'
  | 'E_INTERNAL'
  | 'E_VARIANT_FAILED'
  | 'E_PLUGIN_LOAD'
  | 'E_EXPORT'
  | 'E_STOPPED'
  | 'E_QUEUE';

export class SpikedistillError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

export class UnknownPluginError extends SpikedistillError {
  constructor(
    readonly kind: string,
    readonly pluginName: string,
    readonly known: readonly string[],
    readonly suggestion: string | undefined,
    readonly path?: string,
  ) {
    const where = path ? ` at ${path}` : '';
    const hint = suggestion ? ` Did you mean '${suggestion}'?` : '';
    const list = known.length ? known.join(', ') : '(none registered)';
    super(
      'E_UNKNOWN_PLUGIN',
      `Unknown ${kind} plugin '${pluginName}'${where}.${hint} Registered ${kind} plugins: ${list}.`,
    );
  }
}

export class DuplicatePluginError extends SpikedistillError {
  constructor(kind: string, pluginName: string, firstSource: string, secondSource: string) {
    super(
      'E_DUPLICATE_PLUGIN',
      `A ${kind} plugin named '${pluginName}' is already registered by ${firstSource}; ` +
        `${secondSource} tried to register it again. Pass { override: true } to replace it on purpose.`,
    );
  }
}

export class BadOptionsError extends SpikedistillError {
  constructor(
    readonly path: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super('E_BAD_OPTIONS', `Invalid options at ${path}: ${detail}`, options);
  }
}

export class PluginCreateError extends SpikedistillError {
  constructor(kind: string, pluginName: string, path: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(
      'E_PLUGIN_CREATE',
      `Creating ${kind} plugin '${pluginName}' (at ${path}) failed: ${why}`,
      {
        cause,
      },
    );
  }
}

export class ConfigError extends SpikedistillError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_CONFIG', message, options);
  }
}

export class BackendUnavailableError extends SpikedistillError {
  constructor(name: string, reason: string, install?: string) {
    super(
      'E_BACKEND_UNAVAILABLE',
      `Backend '${name}' is not available: ${reason}.${install ? ` To use it: ${install}` : ''}`,
    );
  }
}

export class ShapeError extends SpikedistillError {
  constructor(where: string, expected: string, got: readonly number[]) {
    super('E_SHAPE', `${where}: expected shape ${expected}, got [${got.join(', ')}]`);
  }
}

export class NaNLossError extends SpikedistillError {
  constructor(step: number, terms: Record<string, number>) {
    const parts = Object.entries(terms)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    super(
      'E_NAN_LOSS',
      `Loss became non-finite at step ${step} (${parts}). Lower the learning rate or check the inputs.`,
    );
  }
}

/** Parameters or buffers became NaN or infinite: the state is not saved as a result. */
export class NonFiniteError extends SpikedistillError {
  constructor(step: number, names: readonly string[]) {
    const shown =
      names.slice(0, 5).join(', ') + (names.length > 5 ? `, and ${names.length - 5} more` : '');
    super(
      'E_NONFINITE',
      `Weights became non-finite at step ${step} (${shown}). Nothing of this state was saved; the last checkpoint is intact. Lower the learning rate or clip gradients (train.clipGradNorm).`,
    );
  }
}

/**
 * The run was asked to stop (its `signal` aborted): a checkpoint of the step
 * it reached is on disk, and `--resume` continues from it. Not a failure of
 * the run itself: a worker that is shutting down hands the job back.
 */
export class TrainingStoppedError extends SpikedistillError {
  constructor(readonly step: number) {
    super(
      'E_STOPPED',
      `training stopped on request at step ${step}; its checkpoint is saved: continue with --resume`,
    );
  }
}
