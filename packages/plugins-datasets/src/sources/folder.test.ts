import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../errors.js';
import { encodePng } from '../image/write-png.js';
import { makeRegistry, pngFolder, randomImage, tempDir } from '../testing/fixtures.js';
import { folderSource } from './folder.js';
import { compareBytes, listImages } from './list-images.js';

describe('folder source', () => {
  it('lists images in byte-wise order, skipping other files', () => {
    const dir = tempDir();
    for (const name of ['b.png', '10.png', '9.tif', 'B.PNG', 'a.tiff', 'notes.txt'])
      writeFileSync(join(dir, name), '');
    expect(listImages(dir, false)).toEqual(['10.png', '9.tif', 'B.PNG', 'a.tiff', 'b.png']);
    expect(compareBytes('Z', 'a')).toBeLessThan(0);
  });

  it('searches subfolders only when recursive', () => {
    const dir = tempDir();
    pngFolder(2, { dir: join(dir, 'x') });
    pngFolder(1, { dir: join(dir, 'a', 'deep') });
    writeFileSync(join(dir, 'top.png'), encodePng(randomImage(4, 4, 1)));
    expect(listImages(dir, false)).toEqual(['top.png']);
    expect(listImages(dir, true)).toEqual([
      'a/deep/img000.png',
      'top.png',
      'x/img000.png',
      'x/img001.png',
    ]);
  });

  it('an empty folder error names the folder and suggests recursive', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    expect(() => listImages(dir, false)).toThrow(DatasetError);
    expect(() => listImages(dir, false)).toThrow(
      new RegExp(`No images in folder ${dir}.*set recursive: true`),
    );
    expect(() => listImages(join(dir, 'missing'), false)).toThrow(/missing does not exist/);
  });

  it('converts colour as asked and loads in order', async () => {
    const dir = pngFolder(3, { channels: 3, height: 6, width: 5 });
    const auto = folderSource({ dir });
    expect([auto.size, auto.channels, auto.names[2]]).toEqual([3, 3, 'img002.png']);
    const gray = folderSource({ dir, color: 'gray' });
    const image = await gray.load(1);
    expect([image.channels, image.height, image.width]).toEqual([1, 6, 5]);
    expect(image.source).toBe(join(dir, 'img001.png'));
  });

  it('is an images plugin; a corrupt file error names it', async () => {
    const dir = pngFolder(2);
    writeFileSync(join(dir, 'img001.png'), 'garbage');
    const source = makeRegistry().create('images', 'folder', { dir });
    await expect(source.load(1)).rejects.toThrow(join(dir, 'img001.png'));
  });
});
