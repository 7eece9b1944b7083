import type * as Ort from 'onnxruntime-node';

export type OnnxRuntime = typeof Ort;

export type RuntimeLoad =
  | { ok: true; ort: OnnxRuntime; version: string }
  | { ok: false; reason: string };

let loading: Promise<RuntimeLoad> | undefined;

/**
 * Loads onnxruntime-node once. It is an optional dependency (its native
 * binaries exist for some platforms only), so failing to load is an
 * answer, with the reason, not an error.
 */
export function loadOnnxRuntime(): Promise<RuntimeLoad> {
  loading ??= import('onnxruntime-node').then(
    (mod): RuntimeLoad => {
      const ort = mod as unknown as OnnxRuntime;
      return { ok: true, ort, version: ort.env.versions?.node ?? 'unknown' };
    },
    (err: unknown): RuntimeLoad => ({
      ok: false,
      reason: `onnxruntime-node did not load (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`,
    }),
  );
  return loading;
}
