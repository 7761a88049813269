import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirLock, DataDirLockedError } from '../../src/platform/db/data-dir-lock.js';
import { runCli } from '../helpers/run-cli.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'consort-lock-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts `consort start` on a data folder and resolves once it listens. */
function startServer(dir: string, port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', '--data-dir', dir, 'start', '--port', String(port)],
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: '', CONSORT_LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 150_000);
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('Consort is listening')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr!.on('data', (d) => {
      out += d;
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}

describe('PGlite data-folder lock', { timeout: 300_000 }, () => {
  it('refuses a second holder in the same process tree with a clear message, and takes over a dead one', () => {
    const dir = tempDir();
    const lock = DataDirLock.acquire(dir, { kind: 'server', url: 'http://localhost:1' });
    // a live holder (this process counts as live for a different pid): simulate by rewriting the pid to our parent
    fs.writeFileSync(
      lock.file,
      JSON.stringify({
        pid: process.ppid,
        host: os.hostname(),
        kind: 'server',
        url: 'http://localhost:1',
        startedAt: '',
      }),
    );
    expect(() => DataDirLock.acquire(dir, { kind: 'cli' })).toThrow(DataDirLockedError);
    expect(() => DataDirLock.acquire(dir, { kind: 'cli' })).toThrow(
      /Stop the server first, or do this through its API/,
    );
    // a dead holder: a pid that cannot exist
    fs.writeFileSync(
      lock.file,
      JSON.stringify({ pid: 2 ** 22 + 12345, host: os.hostname(), kind: 'server', startedAt: '' }),
    );
    const taken = DataDirLock.acquire(dir, { kind: 'cli' });
    expect(JSON.parse(fs.readFileSync(taken.file, 'utf8')).pid).toBe(process.pid);
    taken.release();
    expect(fs.existsSync(taken.file)).toBe(false);
  });

  it('a second live process fails clearly without harming the folder; a killed server’s lock is taken over', async () => {
    const dir = tempDir();
    const port = await freePort();
    const server = await startServer(dir, port);
    try {
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);

      const cli = await runCli(['--data-dir', dir, 'audit', 'verify']);
      expect(cli.code).toBe(1);
      expect(cli.stderr).toContain(`is in use by a running Consort server (pid ${server.pid}`);
      expect(cli.stderr).toContain('Stop the server first, or do this through its API instead.');

      const second = await runCli(['--data-dir', dir, 'start', '--port', String(await freePort())]);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain('PGlite allows one process per data folder');

      // the first server is unharmed and still reaches its database
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', database: 'pglite' });
    } finally {
      server.kill('SIGKILL');
      await new Promise((r) => server.once('close', r));
    }
    // the lock file of the killed server is still there; the next command takes it over
    expect(fs.existsSync(path.join(dir, 'consort.lock'))).toBe(true);
    const after = await runCli(['--data-dir', dir, 'audit', 'verify']);
    expect(after.stderr).toBe('');
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(/audit chain intact/);
    expect(fs.existsSync(path.join(dir, 'consort.lock'))).toBe(false);
  });

  it('closes cleanly on SIGTERM, releasing the folder', async () => {
    const dir = tempDir();
    const port = await freePort();
    const server = await startServer(dir, port);
    const closed = new Promise<number | null>((r) => server.once('exit', (code) => r(code)));
    server.kill('SIGTERM');
    expect(await closed).toBe(0);
    expect(fs.existsSync(path.join(dir, 'consort.lock'))).toBe(false);
    const again = await runCli(['--data-dir', dir, 'audit', 'verify']);
    expect(again.code).toBe(0);
  });
});
