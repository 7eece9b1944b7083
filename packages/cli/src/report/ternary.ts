import { existsSync, readFileSync } from 'node:fs';
import { decodeSafetensors, SpikedistillError } from '@spikedistill/core';

/** One ternary tensor of a saved student: its scale Δ and how many weights are −Δ, 0 and +Δ. */
export interface TernaryTensor {
  name: string;
  scale: number;
  negative: number;
  zero: number;
  positive: number;
}

/**
 * The ternary tensors of a weights file, as core's `saveModule` writes a
 * ternary student: int8 codes {−1, 0, 1} with each tensor's scale in the
 * `ternary` metadata. Counted from the codes themselves, so a report shows
 * what the file holds, not what training meant to save. [] for a file
 * without ternary tensors or no file.
 */
export function readTernaryCounts(path: string): TernaryTensor[] {
  if (!existsSync(path)) return [];
  const decoded = decodeSafetensors(new Uint8Array(readFileSync(path)), path);
  const spec = decoded.metadata.ternary;
  if (!spec) return [];
  let scales: Record<string, unknown>;
  try {
    scales = JSON.parse(spec) as Record<string, unknown>;
  } catch (err) {
    throw new SpikedistillError('E_WEIGHTS', `${path}: its 'ternary' metadata is not JSON`, {
      cause: err,
    });
  }
  return Object.entries(scales).map(([name, scale]) => {
    const t = decoded.tensors.get(name);
    if (t?.dtype !== 'I8' || typeof scale !== 'number') {
      throw new SpikedistillError(
        'E_WEIGHTS',
        `${path}: ternary tensor '${name}' is missing, not int8 codes, or has no numeric scale`,
      );
    }
    const counts = { negative: 0, zero: 0, positive: 0 };
    for (const code of t.data) {
      if (code === -1) counts.negative++;
      else if (code === 0) counts.zero++;
      else if (code === 1) counts.positive++;
      else
        throw new SpikedistillError(
          'E_WEIGHTS',
          `${path}: ternary tensor '${name}' holds the code ${code}; codes are −1, 0 and 1`,
        );
    }
    return { name, scale, ...counts };
  });
}
