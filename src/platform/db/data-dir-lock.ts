import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface LockHolder {
  pid: number;
  host: string;
  /** `server` for `consort start`, `cli` for one-shot commands. */
  kind: 'server' | 'cli';
  url?: string;
  startedAt: string;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    const who =
      holder.kind === 'server'
        ? `a running Consort server (pid ${holder.pid}${holder.url ? `, ${holder.url}` : ''})`
        : `another consort command (pid ${holder.pid})`;
    const advice =
      holder.kind === 'server'
        ? 'Stop the server first, or do this through its API instead.'
        : 'Wait for it to finish.';
    super(
      `The data folder ${dataDir} is in use by ${who}. PGlite allows one process per data folder. ${advice}`,
    );
  }
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
 * An exclusive lock on a PGlite data folder: a file created with O_EXCL holding the owner's pid.
 * A lock whose process is gone (killed, crashed) is taken over; a live one refuses with a clear message.
 */
export class DataDirLock {
  private constructor(
    readonly file: string,
    private readonly token: string,
  ) {}

  static acquire(dataDir: string, holder: Omit<LockHolder, 'pid' | 'host' | 'startedAt'>): DataDirLock {
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, 'consort.lock');
    const me: LockHolder = {
      pid: process.pid,
      host: os.hostname(),
      startedAt: new Date().toISOString(),
      ...holder,
    };
    const token = JSON.stringify(me);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        fs.writeFileSync(file, token, { flag: 'wx' });
        return new DataDirLock(file, token);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      let current: LockHolder | undefined;
      try {
        current = JSON.parse(fs.readFileSync(file, 'utf8')) as LockHolder;
      } catch {
        current = undefined; // unreadable or half-written: treat as stale
      }
      if (current && current.host === me.host && current.pid !== process.pid && isAlive(current.pid)) {
        throw new DataDirLockedError(dataDir, current);
      }
      if (current && current.host !== me.host) {
        throw new DataDirLockedError(dataDir, current);
      }
      // Stale: the owner is dead. Remove and retry the exclusive create (another taker may win the race).
      fs.rmSync(file, { force: true });
    }
    throw new Error(`Could not take the lock on ${dataDir} after removing a stale lock`);
  }

  release(): void {
    try {
      if (fs.readFileSync(this.file, 'utf8') === this.token) fs.rmSync(this.file, { force: true });
    } catch {
      // already gone
    }
  }
}
