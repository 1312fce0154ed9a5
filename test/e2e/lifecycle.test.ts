/**
 * Starting and stopping `npm start`: flags, a busy port, a data dir in use, and a clean stop on
 * SIGTERM.
 */

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually, runCli, startCli } from '../../scripts/lib/local-cli.js';
import { FIXTURE_FUNCTIONS } from '../support/fixture-functions.js';

describe('npm start lifecycle', () => {
  it.each([
    [['--port', 'abc'], /--port must be an integer/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['--in-memory', '--data-dir', 'x'], /exclude each other/],
    [['--stage', 'no/slash'], /--stage must be/],
    [['--timeout', '0'], /--timeout must be a number of seconds/],
    [
      ['--authorizer-cache-ttl', '5000'],
      /--authorizer-cache-ttl must be an integer from 0 to 3600/,
    ],
    [['--store-endpoint', 'nope'], /--store-endpoint must be an http\(s\) URL/],
  ])('refuses %j in one line on stderr with exit code 1', async (args, message) => {
    const result = await runCli(args);

    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a port in use in one line with exit code 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const result = await runCli(['--in-memory', '--port', String(port)]);

      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(
        `npm start: port ${port} is already in use (try --port <n> or --port 0)`,
      );
    } finally {
      blocker.close();
    }
  });

  it('refuses a store endpoint it cannot reach in one line with exit code 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    // Nothing listens there any more.
    await new Promise<void>((resolve) => blocker.close(() => resolve()));

    const result = await runCli(['--store-endpoint', `http://127.0.0.1:${port}`]);

    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`the store at http://127.0.0.1:${port} cannot be used`);
  });

  it('refuses a data dir another npm start uses in one line with exit code 1', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'local-lifecycle-'));
    const first = await startCli(['--data-dir', dataDir], { functionsDir: FIXTURE_FUNCTIONS });
    try {
      const second = await runCli(['--data-dir', dataDir, '--port', '0']);

      expect(second.code).toBe(1);
      expect(second.stderr.trim().split('\n')).toHaveLength(1);
      // Linux lists the process holding LevelDB's lock in /proc/locks; where no such list is
      // kept, the message names no pid.
      const locksListed =
        existsSync('/proc/locks') && readFileSync('/proc/locks', 'utf8').trim() !== '';
      const holder = locksListed ? ` (pid ${first.pid})` : '';
      expect(second.stderr.trim()).toBe(
        `npm start: the data dir ${dataDir} is in use by another npm start${holder}: stop it, or use --data-dir <another dir> or --in-memory`,
      );
      // The first one keeps serving, its store untouched.
      const answer = await fetch(first.standardUrl);
      expect(answer.status).toBe(200);
    } finally {
      await first.stop('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('prints its usage with --help and exits 0', async () => {
    const result = await runCli(['--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--max-environments');
    expect(result.stdout).toContain('--no-authorizer');
    expect(result.stdout).toContain('--store-endpoint');
  });

  it('lets a request in flight finish on SIGTERM, then exits 0', async () => {
    const cli = await startCli(['--in-memory'], { functionsDir: FIXTURE_FUNCTIONS });
    const inFlight = fetch(`${cli.isolatedUrl}?action=logsleep&ms=1500&tag=sigterm`, {
      headers: { 'x-tenant-id': 'Tenant-1' },
    });
    await eventually(
      () => (cli.stdout.some((line) => line.endsWith('started sigterm')) ? true : undefined),
      'the request to start',
    );

    const exited = cli.stop('SIGTERM');
    const response = await inFlight;

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ slept: true });
    expect(await exited).toBe(0);
  });
});
