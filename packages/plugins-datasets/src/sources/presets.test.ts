import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRegistry, pngFolder, sharedDataRoot, tempDir } from '../testing/fixtures.js';
import { DATA_ENV, dataRootCandidates } from './data-root.js';
import { PRESETS, presetSpec, resolvePreset } from './presets.js';

describe('presets', () => {
  it('search order: root option, then the environment, then folders above', () => {
    expect(dataRootCandidates({ root: '/data/x', env: { [DATA_ENV]: '/env' } })).toEqual([
      { dir: '/data/x', why: 'the root option' },
    ]);
    expect(dataRootCandidates({ env: { [DATA_ENV]: '/env' } })).toEqual([
      { dir: '/env', why: `$${DATA_ENV}` },
    ]);
    const top = tempDir();
    const shared = join(top, 'shared', 'datasets');
    pngFolder(1, { dir: join(shared, 'x') });
    const deep = join(top, 'repo', 'packages', 'p');
    pngFolder(1, { dir: deep });
    const found = dataRootCandidates({ cwd: deep, env: {} });
    expect(found[0]).toEqual({ dir: shared, why: 'above the working directory' });
  });

  it('a missing set says where it looked and what it expected', () => {
    const root = tempDir();
    expect(() => resolvePreset(presetSpec('BSD68')!, { root })).toThrow(
      new RegExp(
        `Preset BSD68 not found \\(expected a folder BSD68/ with 68 images.*Looked in: ${join(root, 'BSD68')} \\(the root option\\)`,
      ),
    );
    expect(() => makeRegistry().create('images', 'Set12', { root })).toThrow(
      /E_DATASET|Preset Set12 not found/,
    );
  });

  it('an incomplete set reports found vs expected', () => {
    const root = tempDir();
    pngFolder(3, { dir: join(root, 'Set12') });
    expect(() => resolvePreset(presetSpec('Set12')!, { root })).toThrow(
      /Preset Set12 at .*Set12 \(the root option\) is incomplete: found 3 image\(s\), expected 12 \(01\.png\.\.12\.png\)/,
    );
  });

  it('a complete set under $SPIKEDISTILL_DATA resolves', () => {
    const root = tempDir();
    pngFolder(12, { dir: join(root, 'Set12') });
    expect(resolvePreset(presetSpec('Set12')!, { env: { [DATA_ENV]: root } })).toBe(
      join(root, 'Set12'),
    );
  });

  const shared = sharedDataRoot();
  describe.skipIf(!shared)('against ../shared/datasets', () => {
    for (const spec of PRESETS) {
      it(`${spec.name}: ${spec.count} images, ${spec.channels} channel(s)`, async () => {
        const source = makeRegistry().create('images', spec.name, {});
        expect(source.size).toBe(spec.count);
        expect(source.channels).toBe(spec.channels);
        const image = await source.load(spec.count - 1);
        expect(image.channels).toBe(spec.channels);
        expect(image.source).toContain(join(spec.folder, source.names[spec.count - 1]!));
      });
    }

    it('reads McMaster PackBits TIFF as RGB 500x500', async () => {
      const image = await makeRegistry().create('images', 'McMaster', {}).load(0);
      expect([image.height, image.width, image.channels]).toEqual([500, 500, 3]);
      // First pixel of 1.tif, as Pillow decodes it: (78, 147, 32).
      expect(Array.from(image.data.subarray(0, 3), (v) => Math.round(v * 255))).toEqual([
        78, 147, 32,
      ]);
    });
  });
  if (!shared)
    it.skip('preset files: ../shared/datasets not found, preset tests against real data skipped', () => {});
});
