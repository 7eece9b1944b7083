import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunFolder } from './run-folder.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'sd-run-folder-'));

describe('RunFolder', () => {
  it('opens a folder whose checkpoints/ is empty as a new run', () => {
    const dir = fresh();
    mkdirSync(join(dir, 'checkpoints'));
    RunFolder.open(dir, 'new').release();
  });

  it('refuses a folder with a checkpoint in it unless resumed or forced', () => {
    const dir = fresh();
    mkdirSync(join(dir, 'checkpoints'));
    writeFileSync(join(dir, 'checkpoints', 'latest.json'), '{}');
    expect(() => RunFolder.open(dir, 'new')).toThrow(/already holds a run \(checkpoints\)/);
    RunFolder.open(dir, 'resume').release();
  });

  it('is held by one process at a time', () => {
    const dir = fresh();
    const first = RunFolder.open(dir, 'new');
    expect(() => RunFolder.open(dir, 'new')).toThrow(/E_RUN_LOCKED|in use|locked/i);
    first.release();
    RunFolder.open(dir, 'new').release();
  });
});
