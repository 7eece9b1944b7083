import type { z } from 'zod';
import { type FileTag, fileTagOf, type RefTag, refTagOf } from './ref.js';

/** What the walker reports; each hook may return a replacement for the value it was shown. */
export interface OptionVisitor {
  /** A reference to another plugin (`ref(kind)`), with the value given for it. */
  ref?(tag: RefTag, value: unknown, path: string): unknown;
  /** A path option (`filePath()`), with the string given. */
  file?(tag: FileTag, value: string, path: string): unknown;
  /** A key the schema of the object at `path` does not have. */
  unknownKey?(key: string, known: readonly string[], path: string): void;
}

type Def = {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  items?: z.ZodType[];
  rest?: z.ZodType | null;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  getter?: () => z.ZodType;
};

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const join = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));

/**
 * Walks a value (as a user wrote it, before defaults) alongside its zod
 * schema, at every depth: plugin references, path options and unknown keys
 * are reported with their dotted path. Objects are treated as strict unless
 * the schema says otherwise (`z.looseObject`, a catch-all): a typo deep in
 * the options is an error, never silently dropped. Returns the value with
 * whatever the hooks replaced.
 */
export function walkOptions(
  schema: z.ZodType,
  value: unknown,
  path: string,
  visitor: OptionVisitor,
): unknown {
  if (value === undefined) return value;
  const refTag = refTagOf(schema);
  if (refTag) return visitor.ref ? visitor.ref(refTag, value, path) : value;
  const fileTag = fileTagOf(schema);
  if (fileTag && typeof value === 'string')
    return visitor.file ? visitor.file(fileTag, value, path) : value;
  const def = defOf(schema);
  switch (def.type) {
    case 'default':
    case 'prefault':
    case 'optional':
    case 'nullable':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return value === null && def.type === 'nullable'
        ? value
        : walkOptions(def.innerType!, value, path, visitor);
    case 'pipe':
      // A preprocess step has no shape to walk; the schema after it does.
      return defOf(def.in!).type === 'transform'
        ? walkOptions(def.out!, value, path, visitor)
        : walkOptions(def.in!, value, path, visitor);
    case 'lazy':
      return walkOptions(def.getter!(), value, path, visitor);
    case 'object':
      return walkObject(def, value, path, visitor);
    case 'array':
      return Array.isArray(value)
        ? value.map((item, i) => walkOptions(def.element!, item, join(path, i), visitor))
        : value;
    case 'tuple':
      return Array.isArray(value)
        ? value.map((item, i) => {
            const itemSchema = def.items![i] ?? def.rest;
            return itemSchema ? walkOptions(itemSchema, item, join(path, i), visitor) : item;
          })
        : value;
    case 'record':
      return isPlainObject(value)
        ? Object.fromEntries(
            Object.entries(value).map(([k, v]) => [
              k,
              walkOptions(def.valueType!, v, join(path, k), visitor),
            ]),
          )
        : value;
    case 'union': {
      // The first alternative that accepts the value is the one it means.
      const chosen = def.options!.find((option) => option.safeParse(value).success);
      return chosen ? walkOptions(chosen, value, path, visitor) : value;
    }
    default:
      return value;
  }
}

function walkObject(def: Def, value: unknown, path: string, visitor: OptionVisitor): unknown {
  if (!isPlainObject(value)) return value;
  const shape = def.shape ?? {};
  const loose = def.catchall !== undefined && defOf(def.catchall).type !== 'never';
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const itemSchema = shape[key];
    if (itemSchema) out[key] = walkOptions(itemSchema, item, join(path, key), visitor);
    else {
      if (!loose) visitor.unknownKey?.(key, Object.keys(shape), path);
      out[key] = item;
    }
  }
  return out;
}
