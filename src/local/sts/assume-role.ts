/**
 * The local stand-in for STS AssumeRole (awsQuery protocol, XML) over real HTTP, so the
 * authorizer's real SDK client — in the sources and in the bundle — signs, sends and parses the
 * call. It hands out an access key that names the tenant tag, so the store (and a test) can see
 * which tenant's session signed a write, and credentials that expire after DurationSeconds. It
 * checks no signature and evaluates no IAM policy: the trust and permission policies are
 * asserted on main.tf's policy documents in test/terraform.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOCAL_HOST } from '../constants.js';

export interface AssumeRoleCall {
  params: Record<string, string>;
}

export interface AssumeRoleStandIn {
  endpoint: string;
  calls: AssumeRoleCall[];
  /** The access key handed out for a tenant tag value. */
  accessKeyFor(tenantId: string): string;
  close(): Promise<void>;
}

const accessKeyFor = (tenantId: string) =>
  `ASIA${Buffer.from(tenantId).toString('hex').toUpperCase()}`.slice(0, 128);

/** The tenant whose session an access key of this stand-in belongs to, if it is one. */
export const tenantOfAccessKey = (accessKeyId: string): string | undefined =>
  /^ASIA([0-9A-F]{2})+$/.test(accessKeyId)
    ? Buffer.from(accessKeyId.slice(4), 'hex').toString()
    : undefined;

export const startAssumeRoleStandIn = async (): Promise<AssumeRoleStandIn> => {
  const calls: AssumeRoleCall[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
      calls.push({ params });
      const tenant = params['Tags.member.1.Value'] ?? 'untagged';
      const seconds = Number(params.DurationSeconds ?? 3600);
      const expiration = new Date(Date.now() + seconds * 1000).toISOString();
      response.writeHead(200, { 'Content-Type': 'text/xml' });
      response.end(
        `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>` +
          `<Credentials><AccessKeyId>${accessKeyFor(tenant)}</AccessKeyId>` +
          '<SecretAccessKey>stand-in-secret</SecretAccessKey><SessionToken>stand-in-token</SessionToken>' +
          `<Expiration>${expiration}</Expiration></Credentials>` +
          '<AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:session</AssumedRoleId>' +
          '<Arn>arn:aws:sts::123456789012:assumed-role/demo-tenant-data/session</Arn></AssumedRoleUser>' +
          '</AssumeRoleResult><ResponseMetadata><RequestId>stand-in</RequestId></ResponseMetadata>' +
          '</AssumeRoleResponse>',
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, LOCAL_HOST, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${LOCAL_HOST}:${port}`,
    calls,
    accessKeyFor,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
