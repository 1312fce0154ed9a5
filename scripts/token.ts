/**
 * `npm run -s token -- <tenant-id> [--data-dir <dir>] [--expires-in <seconds>]`: prints one ID
 * token of the local issuer for that tenant, and nothing else, on stdout — so it can sit inside
 * `curl -H "Authorization: Bearer $(npm run -s token -- Tenant-1)"`. (`-s` keeps npm's own
 * banner off stdout.) The signing key is the one `npm start -- --identity jwt` uses with the same
 * data dir (default .local/); it is created there if neither has run yet.
 *
 * A tenant id the policy refuses, or a bad flag, is one line on stderr and exit code 1.
 */
import { parseArgs } from 'node:util';
import { isValidTenantId, TENANT_ID_FORMAT } from '../src/domain/tenant-id.js';
import { DEFAULT_TOKEN_SECONDS, loadLocalIssuer } from '../src/local/cognito/local-issuer.js';
import { DEFAULT_DATA_DIR } from '../src/local/options.js';

/** Cognito's range for ID token validity: five minutes to one day. */
const MAX_SECONDS = 86_400;

const fail = (message: string): never => {
  process.stderr.write(`token: ${message}\n`);
  process.exit(1);
};

let parsed: ReturnType<
  typeof parseArgs<{
    options: { 'data-dir': { type: 'string' }; 'expires-in': { type: 'string' } };
    allowPositionals: true;
  }>
>;
try {
  parsed = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: { 'data-dir': { type: 'string' }, 'expires-in': { type: 'string' } },
  });
} catch (error) {
  fail(`${error instanceof Error ? error.message.split('. ')[0] : String(error)}`);
  throw error;
}
const [tenantId, ...extra] = parsed.positionals;
if (tenantId === undefined || extra.length > 0) {
  fail('usage: npm run -s token -- <tenant-id> [--data-dir <dir>] [--expires-in <seconds>]');
}
if (!isValidTenantId(tenantId)) fail(`invalid tenant id: it must be ${TENANT_ID_FORMAT}`);
const rawSeconds = parsed.values['expires-in'];
const seconds = rawSeconds === undefined ? DEFAULT_TOKEN_SECONDS : Number(rawSeconds);
if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_SECONDS) {
  fail(`--expires-in must be a whole number of seconds from 1 to ${MAX_SECONDS}`);
}
const issuer = await loadLocalIssuer(parsed.values['data-dir'] ?? DEFAULT_DATA_DIR);
process.stdout.write(`${await issuer.sign(tenantId as string, seconds)}\n`);
