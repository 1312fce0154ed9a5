/**
 * Runs the real `npm start` CLI (src/local/cli.ts under tsx) as a child process on a free port,
 * reads the URLs it prints, and talks HTTP to it — the way a user does.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAll, ROOT } from '../build.js';

const CLI = fileURLToPath(new URL('../../src/local/cli.ts', import.meta.url));

export interface RunningCli {
  standardUrl: string;
  isolatedUrl: string;
  storeEndpoint: string;
  pid: number;
  /** Every stdout line so far. */
  stdout: string[];
  stderr: string[];
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const spawnCli = (args: readonly string[]): ChildProcess => {
  const env = { ...process.env };
  // The tests' own store settings must not reach the CLI: it starts its own.
  delete env.AWS_ENDPOINT_URL_DYNAMODB;
  delete env.PORT;
  return spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
};

let bundles: Promise<string> | undefined;

/**
 * The handler bundles, built by the real build script into a directory of this test process.
 * Not dist/ itself: another run of `npm run build` or of the test suite may rebuild dist/
 * (deleting it first) while these tests' environments are loading it.
 */
const privateBundles = (): Promise<string> => {
  bundles ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'local-stack-dist-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    await buildAll(dir);
    return dir;
  })();
  return bundles;
};

/** Runs the CLI to completion (for flags that make it exit at once). */
export const runCli = (args: readonly string[], timeoutMs = 30_000): Promise<CliResult> =>
  new Promise((resolve, reject) => {
    const child = spawnCli(args);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`CLI did not exit within ${timeoutMs} ms: ${stdout}${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });

/**
 * Starts the CLI on a free port. By default it serves freshly built handler bundles (see
 * privateBundles); `functionsDir` points it elsewhere, e.g. at the test fixtures.
 */
export const startCli = async (
  args: readonly string[] = [],
  options: { functionsDir?: string; startTimeoutMs?: number } = {},
): Promise<RunningCli> => {
  const child = spawnCli([
    '--port',
    '0',
    '--functions-dir',
    options.functionsDir ?? (await privateBundles()),
    ...args,
  ]);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise<RunningCli>((resolve, reject) => {
    let standardUrl: string | undefined;
    let isolatedUrl: string | undefined;
    let storeEndpoint: string | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`CLI did not start: ${stdout.join('\n')}\n${stderr.join('\n')}`));
    }, options.startTimeoutMs ?? 30_000);
    const split = (
      stream: NodeJS.ReadableStream | null,
      into: string[],
      onLine?: (line: string) => void,
    ) => {
      let partial = '';
      stream?.on('data', (chunk: Buffer) => {
        const parts = (partial + chunk.toString()).split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) {
          into.push(line);
          onLine?.(line);
        }
      });
    };
    split(child.stdout, stdout, (line) => {
      standardUrl ??= line.match(/^standard_multi_tenant_api_endpoint_url = (\S+)$/)?.[1];
      isolatedUrl ??= line.match(/^isolated_tenant_api_endpoint_url = (\S+)$/)?.[1];
      storeEndpoint ??= line.match(/^store: (http:\/\/\S+)/)?.[1];
      if (line === 'Ctrl-C stops.' && standardUrl && isolatedUrl && storeEndpoint && child.pid) {
        clearTimeout(timer);
        const pid = child.pid;
        resolve({
          standardUrl,
          isolatedUrl,
          storeEndpoint,
          pid,
          stdout,
          stderr,
          exited,
          stop: (signal = 'SIGTERM') => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    });
    split(child.stderr, stderr);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`CLI exited with ${code}: ${stdout.join('\n')}\n${stderr.join('\n')}`));
    });
  });
};

/** Resident set size of a process in MB (Linux /proc), or undefined elsewhere. */
export const rssMb = (pid: number): number | undefined => {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(status.match(/^VmRSS:\s+(\d+) kB$/m)?.[1]);
    return Number.isFinite(kb) ? kb / 1024 : undefined;
  } catch {
    return undefined;
  }
};

export interface RequestLine {
  method: string;
  path: string;
  status: number;
  tenant: string | undefined;
  environmentId: string | undefined;
  temperature: 'cold' | 'warm' | undefined;
  live: number;
  requestId: string | undefined;
}

const REQUEST_LINE =
  /^\S+Z (\S+) (\S+) (\d{3}) \d+ms tenant=(-|"(?:[^"\\]|\\.)*") env=(\S+) (cold|warm|-) live=(\d+)(?: req=(\S+))?/;

/** The CLI's per-request log lines, parsed. */
export const requestLines = (stdout: readonly string[]): RequestLine[] =>
  stdout.flatMap((line) => {
    const match = REQUEST_LINE.exec(line);
    if (match === null) return [];
    const [
      ,
      method = '',
      path = '',
      status = '0',
      tenant = '-',
      env = '-',
      temp = '-',
      live = '0',
      requestId,
    ] = match;
    return [
      {
        method,
        path,
        status: Number(status),
        tenant: tenant === '-' ? undefined : (JSON.parse(tenant) as string),
        environmentId: env === '-' ? undefined : env,
        temperature: temp === '-' ? undefined : (temp as 'cold' | 'warm'),
        live: Number(live),
        requestId,
      },
    ];
  });

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request with full control: any method, a body on GET, a header sent several times
 * (an array value), bytes fetch would refuse or merge.
 */
export const rawRequest = (
  url: string,
  options: {
    method?: string;
    /** Sent as it is, overriding the URL's path (which URL parsing would normalise). */
    path?: string;
    headers?: Record<string, string | string[]>;
    body?: Buffer | string;
  } = {},
): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const request = httpRequest(url, {
      method: options.method ?? 'GET',
      agent: false,
      ...(options.path === undefined ? {} : { path: options.path }),
    });
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      request.setHeader(name, value);
    }
    // Node sends a GET body without framing unless told its length.
    if (options.body !== undefined) {
      request.setHeader('Content-Length', Buffer.byteLength(options.body));
    }
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(options.body);
  });

/**
 * The HTTP/1.1 responses in bytes a server sent on one connection, in order: framed by
 * Content-Length, chunked, or (the last one) by the end of the connection.
 */
export const parseRawResponses = (received: string): RawResponse[] => {
  const responses: RawResponse[] = [];
  let rest = received;
  while (rest.startsWith('HTTP/')) {
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd === -1) break;
    const [statusLine = '', ...lines] = rest.slice(0, headEnd).split('\r\n');
    const headers: Record<string, string | string[] | undefined> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      const seen = headers[name];
      headers[name] =
        seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
    }
    rest = rest.slice(headEnd + 4);
    const status = Number(statusLine.split(' ')[1]);
    let body = '';
    if (status < 200) {
      // An interim answer (100 Continue) has no body.
    } else if (headers['transfer-encoding'] === 'chunked') {
      for (;;) {
        const sizeEnd = rest.indexOf('\r\n');
        const size = Number.parseInt(rest.slice(0, sizeEnd), 16);
        rest = rest.slice(sizeEnd + 2);
        if (!(size > 0)) {
          rest = rest.slice(rest.indexOf('\r\n') + 2);
          break;
        }
        body += rest.slice(0, size);
        rest = rest.slice(size + 2);
      }
    } else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      body = rest.slice(0, length);
      rest = rest.slice(length);
    } else {
      body = rest;
      rest = '';
    }
    responses.push({ status, headers, body });
  }
  return responses;
};

export interface RawExchange {
  /** Every byte the server sent, as Latin-1 text. */
  received: string;
  /** The responses in it, in order (parseRawResponses). */
  responses: RawResponse[];
  /** The server closed the connection; false when the helper gave up after `waitMs`. */
  closedByServer: boolean;
}

/**
 * Writes `bytes` on a new TCP connection to the URL's host and port, exactly as given (nothing
 * an HTTP client would add, fix or merge), then reads until the server closes the connection or
 * `waitMs` passes. `halfClose` sends FIN after the bytes, as `printf ... | nc -N` does.
 */
export const rawSocket = (
  url: string,
  bytes: string | Buffer,
  options: { halfClose?: boolean; waitMs?: number } = {},
): Promise<RawExchange> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let closedByServer = true;
    const timer = setTimeout(() => {
      closedByServer = false;
      socket.destroy();
    }, options.waitMs ?? 10_000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A reset after the answer still leaves what was received.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const received = Buffer.concat(chunks).toString('latin1');
      resolve({ received, responses: parseRawResponses(received), closedByServer });
    });
    socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
    if (options.halfClose === true) socket.end();
  });

/** Polls until `probe` returns a value (output arrives on its own schedule), or fails. */
export const eventually = async <T>(
  probe: () => T | undefined,
  what: string,
  timeoutMs = 10_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

/**
 * The gateway's name for the environment that served a response, from the request log line
 * with the response's x-amzn-RequestId: known even when the function crashed or timed out and
 * so sent no x-environment-id of its own. undefined when no environment served it.
 */
export const servedBy = async (
  clis: readonly RunningCli[],
  response: RawResponse,
): Promise<string | undefined> => {
  const requestId = response.headers['x-amzn-requestid'];
  const line = await eventually(
    () =>
      clis
        .flatMap((cli) => requestLines(cli.stdout))
        .find((entry) => entry.requestId !== undefined && entry.requestId === requestId),
    `the request log line of ${String(requestId)}`,
  );
  return line.environmentId;
};
