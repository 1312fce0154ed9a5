/**
 * `npm start -- --identity jwt` as a user drives it: tokens of the local issuer (printed at
 * startup and by `npm run -s token`) serve both endpoints, every forged or broken token is
 * refused with a JSON 401 or 403 before any environment starts and with nothing written, and a
 * token of one tenant can never touch another tenant's counter, whatever headers come with it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/build.js';
import { readCounters } from '../../scripts/lib/dynalite.js';
import {
  eventually,
  type RunningCli,
  rawRequest,
  requestLines,
  startCli,
} from '../../scripts/lib/local-cli.js';
import { LOCAL_TENANT_CLAIM } from '../../src/local/cognito/local-issuer.js';
import { tableName } from '../../src/local/dynamodb/table.js';
import { TOKEN_UNAUTHORIZED, tokenAccessDenied } from '../../src/local/gateway/answers.js';
import { type ForgedCase, localIssuerTokens } from '../support/forged-tokens.js';

const run = promisify(execFile);
const TABLE = tableName('local');

/** `npm run -s token -- …`, exactly as the README shows it. */
const npmToken = (args: readonly string[]) =>
  run('npm', ['run', '-s', 'token', '--', ...args], { cwd: ROOT }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('local stack with --identity jwt', () => {
  let dataDir: string;
  let cli: RunningCli;
  let factory: ReturnType<typeof localIssuerTokens>;
  let forged: ForgedCase[];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'identity-'));
    cli = await startCli(['--identity', 'jwt', '--data-dir', dataDir]);
    factory = localIssuerTokens(dataDir);
    forged = await factory.forgeries('Victim-1');
  });

  afterAll(async () => {
    await cli.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints ready-to-paste curl commands with tokens that work', async () => {
    const commands = cli.stdout.filter((line) =>
      line.trim().startsWith('curl -H "Authorization: Bearer '),
    );
    expect(commands).toHaveLength(4);
    const [, token, url] = /Bearer (\S+)" "(\S+)"/.exec(commands[2] ?? '') ?? [];
    const response = await rawRequest(url ?? '', { headers: bearer(token ?? '') });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({
      tenant_id: 'Tenant-1',
      isolation_enabled: true,
    });
  });

  it('serves both endpoints for a token of npm run -s token, which prints the token alone', async () => {
    const { code, stdout } = await npmToken(['Tenant-7', '--data-dir', dataDir]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const token = stdout.trim();

    const standard = await rawRequest(cli.standardUrl, { headers: bearer(token) });
    const isolated = await rawRequest(cli.isolatedUrl, { headers: bearer(token) });

    expect(JSON.parse(standard.body)).toMatchObject({
      tenant_id: 'Tenant-7',
      isolation_enabled: false,
    });
    expect(isolated.body).toBe(
      '{"counter":1,"tenant_id":"Tenant-7","isolation_enabled":true,"message":"Counter incremented for tenant Tenant-7"}',
    );
  });

  it('refuses a tenant id the policy refuses in npm run -s token, with one line and exit 1', async () => {
    const { code, stdout, stderr } = await npmToken(['acme/evil', '--data-dir', dataDir]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('invalid tenant id');
  });

  it('ignores x-tenant-id: the token alone names the tenant, on both endpoints', async () => {
    const token = await factory.valid('Tenant-A');
    const headers = { ...bearer(token), 'x-tenant-id': 'Tenant-B' };
    const isolated = await rawRequest(cli.isolatedUrl, { headers });
    const standard = await rawRequest(cli.standardUrl, { headers });

    expect(JSON.parse(isolated.body)).toMatchObject({ tenant_id: 'Tenant-A' });
    expect(JSON.parse(standard.body)).toMatchObject({ tenant_id: 'Tenant-A' });
    expect((await readCounters(cli.storeEndpoint, TABLE))['TENANT#Tenant-B']).toBeUndefined();
  });

  it('never lets a token of one tenant touch another tenant, in any order or mix', async () => {
    const tokens = { 'Mix-A': await factory.valid('Mix-A'), 'Mix-B': await factory.valid('Mix-B') };
    const plan = Array.from({ length: 40 }, (_, i) => ((i * 7) % 3 === 0 ? 'Mix-A' : 'Mix-B')) as (
      | 'Mix-A'
      | 'Mix-B'
    )[];
    const answers = await Promise.all(
      plan.map((tenant, i) =>
        rawRequest(cli.isolatedUrl, {
          headers: {
            ...bearer(tokens[tenant]),
            // The other tenant's id rides along on every other request.
            ...(i % 2 === 0 ? { 'x-tenant-id': tenant === 'Mix-A' ? 'Mix-B' : 'Mix-A' } : {}),
          },
        }),
      ),
    );

    expect(answers.map((answer) => JSON.parse(answer.body).tenant_id)).toEqual(plan);
    const counters = await readCounters(cli.storeEndpoint, TABLE);
    expect(counters['TENANT#Mix-A']).toBe(plan.filter((tenant) => tenant === 'Mix-A').length);
    expect(counters['TENANT#Mix-B']).toBe(plan.filter((tenant) => tenant === 'Mix-B').length);
  });

  it.each(['isolated', 'standard'] as const)(
    'refuses every forged or broken token on /%s with a JSON 401 or 403, starting no environment and writing nothing',
    async (route) => {
      const url = route === 'isolated' ? cli.isolatedUrl : cli.standardUrl;
      const before = await readCounters(cli.storeEndpoint, TABLE);
      const logged = cli.stdout.length;

      const answers = [];
      for (const forgery of forged) {
        const response = await rawRequest(url, {
          headers:
            forgery.authorization === undefined ? {} : { Authorization: forgery.authorization },
        });
        answers.push({
          label: forgery.label,
          status: response.status,
          body: response.body,
          response,
        });
      }

      expect(answers.map(({ label, status }) => ({ label, status }))).toEqual(
        forged.map(({ label, expected, gateway }) => ({ label, status: gateway ?? expected })),
      );
      for (const { status, body, response } of answers) {
        expect(response.headers['content-type']).toBe('application/json');
        if (status === 431) continue;
        expect(body).toBe(
          status === 401 ? TOKEN_UNAUTHORIZED.body : tokenAccessDenied(LOCAL_TENANT_CLAIM).body,
        );
        if (status === 401) expect(response.headers['www-authenticate']).toBe('Bearer');
      }
      // Log lines reach the test on their own schedule: wait for all of them.
      const lines = await eventually(() => {
        const seen = requestLines(cli.stdout.slice(logged));
        return seen.length >= forged.length ? seen : undefined;
      }, 'a request log line per forgery');
      expect(lines).toHaveLength(forged.length);
      expect(lines.every((line) => line.environmentId === undefined)).toBe(true);
      expect(await readCounters(cli.storeEndpoint, TABLE)).toEqual(before);
    },
  );

  it('keeps a token valid across a restart on another port, since iss names no port', async () => {
    const token = await factory.valid('Tenant-R');
    await cli.stop('SIGTERM');
    cli = await startCli(['--identity', 'jwt', '--data-dir', dataDir]);

    const response = await rawRequest(cli.isolatedUrl, { headers: bearer(token) });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ tenant_id: 'Tenant-R' });
  });
});
