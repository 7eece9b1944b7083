import { z } from 'zod';
import type { Kind, PluginRef } from '../plugin.js';

/** What a `ref(kind)` schema refers to; read by the option walker (`check`, path resolution). */
export interface RefTag {
  readonly kind: Kind;
  readonly preset?: PluginRef;
}

/** A string option that names a file or folder: resolved against the config's folder, checked to exist. */
export interface FileTag {
  /** What the path must be, for error messages and the existence check. */
  readonly type: 'file' | 'folder' | 'file-or-folder';
  /**
   * When the string is not a path at all (e.g. the name of a registered
   * preset), this says so and the value is left as it is.
   */
  readonly isName?: (value: string, has: (kind: Kind, name: string) => boolean) => boolean;
}

const refTags = new WeakMap<z.ZodType, RefTag>();
const fileTags = new WeakMap<z.ZodType, FileTag>();

export const refTagOf = (schema: z.ZodType): RefTag | undefined => refTags.get(schema);
export const fileTagOf = (schema: z.ZodType): FileTag | undefined => fileTags.get(schema);

/** The plain `{ name, options }` object form of a reference. */
export const refObject = () =>
  z.strictObject({
    name: z.string().min(1),
    options: z.record(z.string(), z.unknown()).optional(),
  });

export type RefValue = string | { name: string; options?: Record<string, unknown> };

/** A reference in either form, as `{ name, options }`. */
export const asRef = (value: RefValue): PluginRef =>
  typeof value === 'string' ? { name: value } : value;

/**
 * The one schema for a reference to another plugin of `kind`: its name
 * (`'lif'`) or `{ name, options }`. `check` walks into it (the name must be
 * registered, its options valid, strictly, at every level).
 *
 * With a `preset`, a reference to the preset's plugin merges its options
 * over the preset's: `{ name: lif, options: { tau: 3 } }` keeps the preset's
 * threshold and reset, where a replacement would silently drop them.
 */
export function ref(kind: Kind): ReturnType<typeof refSchema>;
export function ref(
  kind: Kind,
  preset: PluginRef | string,
): z.ZodDefault<ReturnType<typeof refSchema>>;
export function ref(kind: Kind, preset?: PluginRef | string) {
  const presetRef = preset === undefined ? undefined : asRef(preset);
  const schema = refSchema(kind, presetRef);
  return presetRef ? schema.default(presetRef) : schema;
}

function refSchema(kind: Kind, preset: PluginRef | undefined) {
  const base = z.union([z.string().min(1), refObject()]);
  refTags.set(base, { kind, preset });
  return base.transform((value): RefValue => mergeOverPreset(value, preset));
}

function mergeOverPreset(value: RefValue, preset: PluginRef | undefined): RefValue {
  if (!preset) return value;
  if (value === preset.name) return { name: preset.name, options: { ...preset.options } };
  if (typeof value === 'object' && value.name === preset.name)
    return { ...value, options: { ...preset.options, ...value.options } };
  return value;
}

/**
 * A string option that is a path. Relative paths written in a config file
 * resolve against the file's folder; `check` verifies that they exist.
 */
export function filePath(type: FileTag['type'] = 'file', isName?: FileTag['isName']) {
  const schema = z.string().min(1);
  fileTags.set(schema, { type, isName });
  return schema;
}
