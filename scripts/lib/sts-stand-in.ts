/**
 * A minimal STS endpoint for tests: answers AssumeRole (awsQuery protocol, XML) over real HTTP,
 * so the handler's real SDK client — in the sources and in the bundle — signs, sends and parses
 * the call. It records each request and hands out an access key that names the tenant tag, so a
 * test can see at the store which credentials signed a write. It enforces no IAM: that is
 * asserted on the policy documents in test/terraform.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AssumeRoleCall {
  params: Record<string, string>;
}

export interface StsStandIn {
  endpoint: string;
  calls: AssumeRoleCall[];
  /** The access key handed out for a tenant tag value. */
  accessKeyFor(tenantId: string): string;
  close(): Promise<void>;
}

const accessKeyFor = (tenantId: string) =>
  `ASIA${Buffer.from(tenantId).toString('hex').toUpperCase()}`.slice(0, 40);

export const startStsStandIn = async (): Promise<StsStandIn> => {
  const calls: AssumeRoleCall[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
      calls.push({ params });
      const tenant = params['Tags.member.1.Value'] ?? 'untagged';
      const expiration = new Date(Date.now() + 3_600_000).toISOString();
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    accessKeyFor,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
