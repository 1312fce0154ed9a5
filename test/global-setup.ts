/**
 * Starts one in-memory dynalite for the whole run; each test file creates its own tables on it
 * (unique names), so files never see each other's counters.
 */
import type { TestProject } from 'vitest/node';
import { type RunningStore, startDynalite } from './support/dynalite.js';

let store: RunningStore | undefined;

export async function setup(project: TestProject): Promise<void> {
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
