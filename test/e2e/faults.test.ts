/**
 * Fault injection against the real CLI: the store stopped and restarted under load, the store
 * slowed past the function timeout, an environment crashing while others serve, SIGTERM under
 * load (no acknowledged write may be lost), and clients that disconnect mid-request.
 *
 * The store faults use `--store-endpoint`: the test runs its own dynalite (and, for the slow
 * store, a TCP proxy in front of it) so it can stop, restart or slow it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCounters, startDynalite } from '../../scripts/lib/dynalite.js';
import {
  eventually,
  type RawResponse,
  type RunningCli,
  rawRequest,
  rawSocket,
  servedBy,
  startCli,
} from '../../scripts/lib/local-cli.js';
import { tableName } from '../../src/local/dynamodb/table.js';
import { BAD_REQUEST, INTERNAL_SERVER_ERROR_BODY } from '../../src/local/gateway/answers.js';
import { shutdownBoundMs } from '../../src/local/local-stack.js';
import { parseOptions } from '../../src/local/options.js';
import { FIXTURE_FUNCTIONS } from '../support/fixture-functions.js';

const TABLE = tableName('local');
const INTERNAL = INTERNAL_SERVER_ERROR_BODY;

const temporaryDirs: string[] = [];
const temporaryDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'local-faults-'));
  temporaryDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
});

const get = (url: string, tenant?: string): Promise<RawResponse> =>
  rawRequest(url, { headers: tenant === undefined ? {} : { 'x-tenant-id': tenant } });

const isJson = (body: string): boolean => {
  try {
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A TCP proxy between the CLI and the store that can hold every chunk the store sends back for
 * `delayMs` — a store slower than the function timeout.
 */
const startSlowProxy = async (targetPort: number) => {
  let delayMs = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    const forward = (chunk: Buffer): void => {
      const write = () => {
        if (!client.destroyed) client.write(chunk);
      };
      if (delayMs > 0) setTimeout(write, delayMs);
      else write();
    };
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    upstream.on('data', forward);
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', closeBoth);
    upstream.on('close', () => setTimeout(() => client.destroy(), delayMs));
    client.on('error', closeBoth);
    upstream.on('error', closeBoth);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    setDelay: (ms: number) => {
      delayMs = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
};

describe('local stack faults', () => {
  it('answers clean 5xx JSON while the store is down and recovers when it returns', async () => {
    const dataDir = temporaryDir();
    let store = await startDynalite({ path: dataDir });
    const cli = await startCli(['--store-endpoint', store.endpoint]);
    try {
      const tenants = ['down-1', 'down-2', 'down-3'];
      const acked = new Map<string, number>();
      const during: RawResponse[] = [];
      let phase: 'up' | 'down' | 'done' = 'up';
      // Three clients keep requesting through all phases.
      const client = async (tenant: string): Promise<void> => {
        while (phase !== 'done') {
          const response = await get(cli.isolatedUrl, tenant);
          if (response.status === 200) {
            const counter = Number((JSON.parse(response.body) as { counter: number }).counter);
            acked.set(tenant, Math.max(acked.get(tenant) ?? 0, counter));
          } else if (phase === 'down') {
            during.push(response);
          }
        }
      };
      const clients = tenants.map(client);
      await eventually(
        () => (acked.size === tenants.length ? true : undefined),
        'writes before the fault',
        20_000,
      );

      phase = 'down';
      await store.close();
      await eventually(
        () => (during.length >= 6 ? true : undefined),
        'answers while the store is down',
        30_000,
      );
      store = await startDynalite({ path: dataDir, port: store.port });
      const before = new Map(acked);
      await eventually(
        () => (tenants.every((t) => (acked.get(t) ?? 0) > (before.get(t) ?? 0)) ? true : undefined),
        'writes after the store returned',
        30_000,
      );
      phase = 'done';
      await Promise.all(clients);

      const statuses = [...new Set(during.map((response) => response.status))].sort();
      console.info(
        `store down: ${during.length} answers while down, statuses ${JSON.stringify(statuses)}; recovered: ${JSON.stringify(Object.fromEntries(acked))}`,
      );
      expect(during.every((response) => response.status >= 500 && isJson(response.body))).toBe(
        true,
      );
      expect(cli.stderr.filter((line) => line.includes('gateway error'))).toEqual([]);
      const stored = await readCounters(store.endpoint, TABLE);
      for (const tenant of tenants) {
        expect(stored[`TENANT#${tenant}`]).toBeGreaterThanOrEqual(acked.get(tenant) ?? 0);
      }
    } finally {
      await cli.stop('SIGKILL');
      await store.close();
    }
  }, 120_000);

  it('answers 502 when the store is slower than the function timeout and recycles the environment', async () => {
    const store = await startDynalite();
    const proxy = await startSlowProxy(store.port);
    const cli = await startCli(['--store-endpoint', proxy.endpoint, '--timeout', '1']);
    try {
      const warm = await get(cli.isolatedUrl, 'slow-store');
      expect(warm.status).toBe(200);

      proxy.setDelay(3_000);
      const slow = await get(cli.isolatedUrl, 'slow-store');
      proxy.setDelay(0);
      const after = await get(cli.isolatedUrl, 'slow-store');

      expect(slow.status).toBe(502);
      expect(slow.body).toBe(INTERNAL);
      const [warmEnv, slowEnv, afterEnv] = await Promise.all(
        [warm, slow, after].map((answer) => servedBy([cli], answer)),
      );
      expect(slowEnv).toBe(warmEnv);
      expect(after.status).toBe(200);
      expect(afterEnv).not.toBe(warmEnv);
      const line = await eventually(
        () => cli.stdout.find((entry) => entry.includes('Task timed out after 1.00 seconds')),
        'the timeout in the request log',
      );
      expect(line).toContain(' 502 ');
    } finally {
      await cli.stop('SIGKILL');
      await proxy.close();
      await store.close();
    }
  }, 60_000);

  it('loses no acknowledged write on SIGTERM under load', async () => {
    const dataDir = temporaryDir();
    // The load is the point, not the stage's throttling.
    const cli = await startCli(['--data-dir', dataDir, '--throttle-rate', '0']);
    const acked = new Map<string, number[]>();
    let refusedAfterStop = 0;
    let stopping = false;
    const record = (key: string, counter: number) => {
      const list = acked.get(key) ?? [];
      list.push(counter);
      acked.set(key, list);
    };
    const client = async (url: string, tenant: string, key: string): Promise<void> => {
      for (;;) {
        try {
          const response = await get(url, tenant);
          if (response.status === 200) {
            record(key, Number((JSON.parse(response.body) as { counter: number }).counter));
          } else if (stopping) {
            refusedAfterStop += 1;
          }
          if (stopping && response.headers.connection === 'close') return;
        } catch {
          // Connection refused or reset: the CLI has stopped listening.
          if (stopping) return;
        }
      }
    };
    const clients = [
      ...['term-1', 'term-2', 'term-3', 'term-4', 'term-5', 'term-6'].map((tenant) =>
        client(cli.isolatedUrl, tenant, `TENANT#${tenant}`),
      ),
      client(cli.standardUrl, 'term-std-1', 'SHARED'),
      client(cli.standardUrl, 'term-std-2', 'SHARED'),
    ];
    const total = () => [...acked.values()].reduce((sum, list) => sum + list.length, 0);
    await eventually(() => (total() >= 100 ? true : undefined), '100 acknowledged writes', 60_000);

    stopping = true;
    const exitCode = await cli.stop('SIGTERM');
    await Promise.all(clients);

    const restarted = await startCli(['--data-dir', dataDir]);
    try {
      const stored = await readCounters(restarted.storeEndpoint, TABLE);
      let lost = 0;
      for (const [key, counters] of acked) {
        lost += counters.filter((counter) => counter > (stored[key] ?? 0)).length;
      }
      console.info(
        `SIGTERM under load: ${total()} writes acknowledged, ${lost} lost, exit code ${exitCode}, ${refusedAfterStop} non-200 answers while stopping`,
      );
      expect(exitCode).toBe(0);
      expect(lost).toBe(0);
      // Acknowledged values are distinct and the next increment continues after the last one.
      for (const [key, counters] of acked) {
        expect(new Set(counters).size, key).toBe(counters.length);
      }
      const next = await get(restarted.isolatedUrl, 'term-1');
      expect(JSON.parse(next.body)).toMatchObject({ counter: (stored['TENANT#term-1'] ?? 0) + 1 });
    } finally {
      await restarted.stop('SIGKILL');
    }
  }, 120_000);

  it('stops on SIGTERM at once for stalled and idle clients, finishing the request in flight', async () => {
    const cli = await startCli(['--in-memory'], { functionsDir: FIXTURE_FUNCTIONS });
    const { hostname, port, pathname } = new URL(cli.isolatedUrl);
    /** A raw connection, and when the server closed it and what it sent before. */
    const open = (bytes: string) => {
      const socket = connect(Number(port), hostname);
      const received: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => received.push(chunk));
      socket.on('error', () => undefined);
      const closed = new Promise<{ at: number; received: string }>((resolve) =>
        socket.on('close', () =>
          resolve({ at: Date.now(), received: Buffer.concat(received).toString('latin1') }),
        ),
      );
      socket.write(bytes);
      return { socket, closed };
    };
    try {
      // Content-Length 10 and two bytes: without a bound, Node's 300 s request timeout.
      const stalledBody = open(
        `GET ${pathname} HTTP/1.1\r\nHost: local\r\nx-tenant-id: stalled\r\nContent-Length: 10\r\n\r\nab`,
      );
      const halfHead = open(`GET ${pathname} HTTP/1.1\r\nHost: local\r\nx-tenant-id: st`);
      // A keep-alive connection whose answer is out: idle.
      const idle = open(`GET ${pathname} HTTP/1.1\r\nHost: local\r\nx-tenant-id: idle\r\n\r\n`);
      await eventually(
        () => (cli.stdout.some((line) => line.includes('tenant="idle"')) ? true : undefined),
        'the idle connection answered',
      );
      const inFlight = get(`${cli.isolatedUrl}?action=logsleep&ms=1500&tag=bounded`, 'in-flight');
      await eventually(
        () => (cli.stdout.some((line) => line.endsWith('started bounded')) ? true : undefined),
        'the request in flight to start',
      );

      const signalled = Date.now();
      const exited = cli.stop('SIGTERM');
      const [stalled, half, idleClosed, answer, code] = await Promise.all([
        stalledBody.closed,
        halfHead.closed,
        idle.closed,
        inFlight,
        exited,
      ]);
      const stoppedAfterMs = Date.now() - signalled;

      // Closed at once, without an answer: their requests never ran.
      for (const closed of [stalled, half]) {
        expect(closed.received).toBe('');
        expect(closed.at - signalled).toBeLessThan(1_000);
      }
      expect(idleClosed.at - signalled).toBeLessThan(1_000);
      expect(idleClosed.received).toMatch(/^HTTP\/1\.1 200 /);
      // The request in flight finishes, and closes its connection.
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ slept: true });
      expect(code).toBe(0);
      expect(stoppedAfterMs).toBeLessThan(10_000);
      const bound = shutdownBoundMs(parseOptions([], {}));
      expect(cli.stdout).toContain(
        `SIGTERM: closing idle and stalled connections, finishing requests in flight (at most ${bound / 1000} s), then stopping…`,
      );
      expect(
        cli.stdout.filter((line) =>
          line.includes('connection closed by the shutdown before the whole request arrived'),
        ),
      ).toHaveLength(1);
      console.info(
        `SIGTERM with stalled clients: stopped after ${stoppedAfterMs} ms (bound ${bound / 1000} s)`,
      );
    } finally {
      await cli.stop('SIGKILL');
    }
  }, 60_000);

  describe('with the fixture functions', () => {
    let cli: RunningCli;

    beforeAll(async () => {
      cli = await startCli(['--in-memory'], { functionsDir: FIXTURE_FUNCTIONS });
    });

    afterAll(async () => {
      await cli.stop('SIGKILL');
    });

    it('answers a slow request pipelined ahead of garbage before refusing the garbage', async () => {
      const path = `${new URL(cli.isolatedUrl).pathname}?action=sleep&ms=700`;
      const slow = `GET ${path} HTTP/1.1\r\nHost: local\r\nx-tenant-id: pipelined-slow\r\n\r\n`;

      const garbage = await rawSocket(cli.isolatedUrl, `${slow}\x00\x01 not http\r\n\r\n`);
      // A chunked body broken halfway: that request never runs, the one before it is answered.
      const brokenChunk = await rawSocket(
        cli.isolatedUrl,
        `${slow}GET ${path} HTTP/1.1\r\nHost: local\r\nx-tenant-id: broken\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n`,
      );

      for (const { responses, closedByServer } of [garbage, brokenChunk]) {
        expect(responses.map((response) => response.status)).toEqual([200, 400]);
        expect(JSON.parse(responses[0]?.body ?? '')).toEqual({ slept: true });
        expect(responses[1]?.body).toBe(BAD_REQUEST.body);
        expect(closedByServer).toBe(true);
      }
      // Its log line says that it never got its whole body (status 0: nothing was sent for it).
      const broken = await eventually(
        () => cli.stdout.find((line) => line.includes('tenant="broken"')),
        'the log line of the request with the broken body',
      );
      expect(broken).toMatch(/ 0 \d+ms .*client went away before sending its whole request/);
    });

    it('keeps serving other tenants while an environment crashes', async () => {
      const busy = Array.from({ length: 4 }, (_, i) =>
        get(`${cli.isolatedUrl}?action=sleep&ms=800`, `busy-${i}`),
      );
      await sleep(100);

      const crashed = await get(`${cli.isolatedUrl}?action=exit`, 'crasher');
      const answers = await Promise.all(busy);

      expect(crashed.status).toBe(502);
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
      expect((await get(cli.isolatedUrl, 'crasher')).status).toBe(200);
    });

    it('keeps serving after clients disconnect mid-request', async () => {
      const origin = new URL(cli.isolatedUrl);
      const abandon = (
        path: string,
        headers: Record<string, string | number>,
        write: Buffer | undefined,
        afterMs: number,
      ) =>
        new Promise<void>((resolve) => {
          const request = httpRequest({
            host: origin.hostname,
            port: origin.port,
            path,
            method: 'GET',
            agent: false,
            headers,
          });
          request.on('error', () => resolve());
          request.on('close', () => resolve());
          request.flushHeaders();
          if (write !== undefined) request.write(write);
          setTimeout(() => request.destroy(), afterMs);
        });

      await Promise.all([
        // While the function runs.
        abandon(
          `${origin.pathname}?action=sleep&ms=1000`,
          { 'x-tenant-id': 'gone-1' },
          undefined,
          200,
        ),
        // Halfway through the body.
        abandon(
          origin.pathname,
          { 'x-tenant-id': 'gone-2', 'content-length': 1_000 },
          Buffer.alloc(10),
          200,
        ),
        // Halfway through the headers' promise of a large body.
        abandon(
          origin.pathname,
          { 'x-tenant-id': 'gone-3', 'content-length': 11 * 1024 * 1024 },
          Buffer.alloc(64 * 1024),
          200,
        ),
      ]);
      const after = await get(cli.isolatedUrl, 'gone-1');

      expect(after.status).toBe(200);
      expect(cli.stderr.filter((line) => line.includes('gateway error'))).toEqual([]);
      expect(cli.stdout.filter((line) => line.includes('gateway error'))).toEqual([]);
      const gone = await eventually(
        () =>
          cli.stdout.find((line) =>
            line.includes('client went away before sending its whole request'),
          ),
        'the log line of an abandoned request',
      );
      expect(gone).toBeDefined();
    });
  });
});
