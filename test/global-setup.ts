/**
 * Starts one in-memory dynalite for the whole run; each test file creates its own tables on it
 * (unique names), so files never see each other's counters. Builds dist/ first when it is stale.
 */
import type { TestProject } from 'vitest/node';
import { buildAll, bundlesAreStale } from '../scripts/build.js';
import { type RunningStore, startDynalite } from '../scripts/lib/dynalite.js';

let store: RunningStore | undefined;

export async function setup(project: TestProject): Promise<void> {
  // The bundle tests and the end-to-end tests load dist/; build it once here, before any test
  // file runs, rather than have parallel files (or CLIs) rebuild it under each other's feet.
  if (bundlesAreStale()) await buildAll();
  store = await startDynalite();
  project.provide('dynamodbEndpoint', store.endpoint);
}

export async function teardown(): Promise<void> {
  await store?.close();
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}
