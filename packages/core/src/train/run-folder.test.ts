import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunFolder } from './run-folder.js';

const folder = () => mkdtempSync(join(tmpdir(), 'sd-lock-'));
/** A pid that no process has (Linux pids stay below 2^22). */
const DEAD_PID = 2 ** 22 + 11;

function lockWith(dir: string, holder: Record<string, unknown>): void {
  writeFileSync(join(dir, 'run.lock'), JSON.stringify({ started: 'then', ...holder }));
}

const lockOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'run.lock'), 'utf8'));

describe('RunFolder locks', () => {
  it('records its holder, with the claim it was opened under, and frees the folder on release', () => {
    const dir = folder();
    const run = RunFolder.open(dir, 'new', { owner: 'job:a', token: 'w1:1' });
    expect(lockOf(dir)).toMatchObject({
      pid: process.pid,
      host: hostname(),
      claim: { owner: 'job:a', token: 'w1:1' },
    });
    expect(() => RunFolder.open(dir, 'resume')).toThrow(
      /in use by another run \(pid \d+ on .* for job:a/,
    );
    run.release();
    expect(existsSync(join(dir, 'run.lock'))).toBe(false);
  });

  it('takes over a lock of another host only under a newer claim on the same work', () => {
    const dir = folder();
    const elsewhere = { pid: process.pid, host: `${hostname()}-other` };
    lockWith(dir, { ...elsewhere, claim: { owner: 'job:a', token: 'w1:1' } });
    // Its process cannot be checked from here: without a claim, or for other work, or under the same lease, it holds.
    expect(() => RunFolder.open(dir, 'resume')).toThrow(/E_RUN_LOCKED|in use/);
    expect(() => RunFolder.open(dir, 'resume', { owner: 'job:b', token: 'w2:1' })).toThrow(
      /in use by another run/,
    );
    expect(() => RunFolder.open(dir, 'resume', { owner: 'job:a', token: 'w1:1' })).toThrow(
      /in use by another run/,
    );
    // The queue handed job:a to a second worker: the first one's lock is stale.
    const run = RunFolder.open(dir, 'resume', { owner: 'job:a', token: 'w2:7' });
    expect(lockOf(dir)).toMatchObject({ pid: process.pid, claim: { token: 'w2:7' } });
    run.release();
    // A lock of another host without a claim (a plain `train`) is never taken over.
    lockWith(dir, elsewhere);
    expect(() => RunFolder.open(dir, 'resume', { owner: 'job:a', token: 'w3:1' })).toThrow(
      /in use by another run/,
    );
  });

  it('on this host a live holder keeps the folder whatever the claims; a dead one loses it', () => {
    const dir = folder();
    lockWith(dir, { pid: process.pid, host: hostname(), claim: { owner: 'job:a', token: 'w1:1' } });
    expect(() => RunFolder.open(dir, 'resume', { owner: 'job:a', token: 'w2:1' })).toThrow(
      /in use by another run/,
    );
    lockWith(dir, { pid: DEAD_PID, host: hostname(), claim: { owner: 'job:a', token: 'w1:1' } });
    RunFolder.open(dir, 'resume', { owner: 'job:b', token: 'w2:1' }).release();
  });

  it('names a live process of this host that holds the folder for the same work, and no other', () => {
    const dir = folder();
    expect(RunFolder.heldHereFor(dir, 'job:a')).toBeUndefined();
    lockWith(dir, { pid: process.pid, host: hostname(), claim: { owner: 'job:a', token: 'w1:1' } });
    expect(RunFolder.heldHereFor(dir, 'job:a')).toBe(process.pid);
    expect(RunFolder.heldHereFor(dir, 'job:b')).toBeUndefined();
    lockWith(dir, { pid: process.pid, host: hostname() });
    expect(RunFolder.heldHereFor(dir, 'job:a')).toBeUndefined();
    lockWith(dir, { pid: process.pid, host: `${hostname()}-other`, claim: { owner: 'job:a' } });
    expect(RunFolder.heldHereFor(dir, 'job:a')).toBeUndefined();
    lockWith(dir, { pid: DEAD_PID, host: hostname(), claim: { owner: 'job:a', token: 'w1:1' } });
    expect(RunFolder.heldHereFor(dir, 'job:a')).toBeUndefined();
  });
});

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
