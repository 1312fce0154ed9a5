/**
 * An execution environment: one worker thread running one function's bundle, for one pool key
 * (the standard function, or one tenant of the isolated function). It serves one invocation at
 * a time; after a timeout or a crash it is dead and never used again, as Lambda resets an
 * environment whose invoke phase fails that way.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { ContextData, FromWorker, ToWorker, WorkerData } from './runtime-protocol.js';

/** What the runtime in the thread reported for one invoke, or why there was no report. */
export type EnvironmentOutcome =
  | { kind: 'result'; payload: string }
  /** The handler threw or rejected; the runtime reports it and the environment lives on. */
  | { kind: 'error'; errorType: string; errorMessage: string }
  /** The environment died (exit, uncaught exception, out of memory) or ran out of time. */
  | { kind: 'crash'; reason: string }
  | { kind: 'timeout' };

export interface EnvironmentSpec {
  id: string;
  /** Pool key: who may use this environment (never anyone else). */
  key: string;
  /** file: URL of the bundled runtime (runtime.ts). */
  runtimeUrl: URL;
  bundleUrl: string;
  env: Record<string, string>;
  memoryMb: number;
  /** Lambda's init phase limit (10 s). */
  initTimeoutMs: number;
  /** Where the function's console output goes, one line at a time. */
  log: (stream: 'stdout' | 'stderr', line: string) => void;
}

const forwardLines = (
  stream: Readable,
  name: 'stdout' | 'stderr',
  log: EnvironmentSpec['log'],
): void => {
  createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) =>
    log(name, line),
  );
};

export class ExecutionEnvironment {
  readonly id: string;
  readonly key: string;
  /** Its environment variables (the context repeats the log group and stream from them). */
  readonly variables: Readonly<Record<string, string>>;
  /** Resolves when the bundle is loaded; rejects when init fails or times out. */
  readonly ready: Promise<void>;
  private readonly worker: Worker;
  private dead = false;
  private exitReason = 'environment exited';
  private pending: ((outcome: EnvironmentOutcome) => void) | undefined;
  private nextId = 1;
  private readonly onDeath: Array<() => void> = [];

  constructor(spec: EnvironmentSpec) {
    this.id = spec.id;
    this.key = spec.key;
    this.variables = spec.env;
    const workerData: WorkerData = { bundleUrl: spec.bundleUrl };
    this.worker = new Worker(spec.runtimeUrl, {
      workerData,
      // Its own copy: worker threads share process.env unless given one, and a tenant's
      // environment must not see (or change) anyone else's variables.
      env: { ...spec.env },
      // No tsx loader or other flags of the parent: the environment runs plain JavaScript.
      execArgv: [],
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: spec.memoryMb },
      name: spec.id,
    });
    forwardLines(this.worker.stdout, 'stdout', spec.log);
    forwardLines(this.worker.stderr, 'stderr', spec.log);

    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`init did not finish within ${spec.initTimeoutMs} ms`));
        void this.terminate();
      }, spec.initTimeoutMs);
      const settle = (error?: Error): void => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      this.worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') settle();
        else if (message.type === 'init-error') {
          settle(new Error(`${message.errorType}: ${message.errorMessage}`));
        } else this.finish(message);
      });
      this.onDeath.push(() => settle(new Error(this.exitReason)));
    });
    // Init failures are handled by whoever awaits `ready`; this only keeps Node from calling an
    // environment that dies before anyone awaited it an unhandled rejection.
    this.ready.catch(() => undefined);

    this.worker.on('error', (error) => {
      this.exitReason = `uncaught ${error.name}: ${error.message}`;
    });
    this.worker.on('exit', (code) => {
      if (this.exitReason === 'environment exited') this.exitReason = `exited with code ${code}`;
      this.markDead();
    });
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** Runs when the environment dies, for whatever reason (at once if it is already dead). */
  whenDead(listener: () => void): void {
    if (this.dead) listener();
    else this.onDeath.push(listener);
  }

  invoke(event: unknown, context: ContextData, timeoutMs: number): Promise<EnvironmentOutcome> {
    if (this.dead) return Promise.resolve({ kind: 'crash', reason: this.exitReason });
    if (this.pending) throw new Error(`${this.id} is already serving an invocation`);
    const id = this.nextId++;
    return new Promise<EnvironmentOutcome>((resolve) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        resolve({ kind: 'timeout' });
        // A timed-out invocation may still be running: only ending the thread stops it.
        void this.terminate();
      }, timeoutMs);
      this.pending = (outcome) => {
        clearTimeout(timer);
        this.pending = undefined;
        resolve(outcome);
      };
      const message: ToWorker = { type: 'invoke', id, event, context };
      this.worker.postMessage(message);
    });
  }

  async terminate(): Promise<void> {
    if (this.dead) return;
    this.exitReason = 'environment terminated';
    await this.worker.terminate();
    this.markDead();
  }

  private finish(message: FromWorker): void {
    if (message.type === 'result') this.pending?.({ kind: 'result', payload: message.payload });
    else if (message.type === 'error') {
      this.pending?.({
        kind: 'error',
        errorType: message.errorType,
        errorMessage: message.errorMessage,
      });
    }
  }

  private markDead(): void {
    if (this.dead) return;
    this.dead = true;
    this.pending?.({ kind: 'crash', reason: this.exitReason });
    for (const listener of this.onDeath.splice(0)) listener();
  }
}
