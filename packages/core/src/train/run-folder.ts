import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { SpikedistillError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';

export type RunFolderMode = 'new' | 'resume' | 'force';

const LOCK = 'run.lock';
/** Files whose presence means a run has used the folder. */
const RUN_FILES = [
  'config.json',
  'loss.jsonl',
  'summary.json',
  'checkpoints',
  'student.safetensors',
];

/**
 * The lease under which a scheduler (a job queue) had this process open the
 * folder: `owner` names the work (e.g. `job:<id>`), `token` this hand-over of
 * it. The scheduler gives a job to one holder at a time, with a new token each
 * time it hands it over again.
 */
export interface LockClaim {
  owner: string;
  token: string;
}

interface LockInfo {
  pid: number;
  host: string;
  started: string;
  claim?: LockClaim;
}

/** A run file, or a folder with something in it (an empty `checkpoints/` holds no run). */
function holdsRunFile(path: string): boolean {
  if (!existsSync(path)) return false;
  return !statSync(path).isDirectory() || readdirSync(path).length > 0;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A run folder belongs to one run. Opening it takes `run.lock` (created
 * exclusively, so two processes cannot both hold it); a lock left by a
 * process that is gone (same host, pid not running) is taken over, and so is
 * one taken under an older claim on the same work (see `LockClaim`). A folder
 * that already holds a run is refused unless the run is resumed (`resume`)
 * or replaced on purpose (`force`, which clears it). Temporary files left by
 * a kill during an atomic write are removed.
 */
export class RunFolder {
  private released = false;

  private constructor(readonly dir: string) {}

  /**
   * The pid of a live process on this host that holds the folder for `owner`'s
   * work, if one does: an earlier holder of the same job that is still
   * stopping (its worker was killed and it is writing its last checkpoint). A
   * scheduler's next holder waits for it to exit rather than fail on the lock.
   */
  static heldHereFor(dir: string, owner: string): number | undefined {
    const holder = readLock(join(dir, LOCK));
    if (!holder || holder.host !== hostname() || holder.claim?.owner !== owner) return undefined;
    return isAlive(holder.pid) ? holder.pid : undefined;
  }

  static open(dir: string, mode: RunFolderMode, claim?: LockClaim): RunFolder {
    mkdirSync(dir, { recursive: true });
    const folder = new RunFolder(dir);
    folder.lock(claim);
    try {
      const used = RUN_FILES.filter((f) => holdsRunFile(join(dir, f)));
      if (used.length && mode === 'new') {
        throw new SpikedistillError(
          'E_RUN_EXISTS',
          `${dir} already holds a run (${used.join(', ')}). Continue it with --resume, replace it with --force, or choose another --out.`,
        );
      }
      if (mode === 'force') {
        for (const f of [...RUN_FILES, 'metrics.jsonl', 'run.json', 'samples.png'])
          rmSync(join(dir, f), { recursive: true, force: true });
      }
      removeTempFiles(dir);
      removeTempFiles(join(dir, 'checkpoints'));
    } catch (err) {
      folder.release();
      throw err;
    }
    return folder;
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    rmSync(join(this.dir, LOCK), { force: true });
  }

  private lock(claim: LockClaim | undefined): void {
    const path = join(this.dir, LOCK);
    const info: LockInfo = {
      pid: process.pid,
      host: hostname(),
      started: new Date().toISOString(),
      ...(claim ? { claim } : {}),
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx');
        writeSync(fd, JSON.stringify(info));
        closeSync(fd);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = readLock(path);
      if (!holder || !isStale(holder, info)) {
        const by = holder?.claim ? ` for ${holder.claim.owner}` : '';
        throw new SpikedistillError(
          'E_RUN_LOCKED',
          `${this.dir} is in use by another run${holder ? ` (pid ${holder.pid} on ${holder.host}${by}, since ${holder.started})` : ''}. ` +
            `If that process is gone, delete ${path}.`,
        );
      }
      rmSync(path, { force: true });
    }
  }
}

/**
 * Whether a lock's holder has lost the folder. On this host its process can
 * be checked: a live one is never overridden, whatever its claim. On another
 * host it cannot: the lock is stale only when we hold a newer claim on the
 * same work, i.e. the scheduler has given up on that holder and handed the
 * work to us.
 */
function isStale(holder: LockInfo, me: LockInfo): boolean {
  if (holder.host === me.host) return !isAlive(holder.pid);
  return (
    holder.claim !== undefined &&
    me.claim !== undefined &&
    holder.claim.owner === me.claim.owner &&
    holder.claim.token !== me.claim.token
  );
}

function readLock(path: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
  } catch {
    return undefined; // being written, or torn: treat as held
  }
}

/** Removes `.<hex>.tmp` files that an interrupted atomic write left behind. */
export function removeTempFiles(dir: string): void {
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir)) {
    if (/^\.[0-9a-f]+\.tmp$/.test(f)) rmSync(join(dir, f), { force: true });
  }
}

/**
 * Keeps the lines of a JSON-lines log whose `step` is at most `step` (and
 * drops a torn last line), so a resumed run appends where its checkpoint was
 * taken instead of repeating steps.
 */
export function truncateJsonl(path: string, step: number): void {
  if (!existsSync(path)) return;
  const kept = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => {
      if (!line.trim()) return false;
      try {
        return (JSON.parse(line) as { step?: number }).step! <= step;
      } catch {
        return false;
      }
    });
  writeFileAtomic(path, kept.length ? `${kept.join('\n')}\n` : '');
}
