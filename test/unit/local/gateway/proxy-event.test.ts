import { describe, expect, it } from 'vitest';
import { isRestProxyEvent } from '../../../../src/http/rest-event.js';
import { LOCAL_API_ID, LOCAL_DEPLOYMENT_ID } from '../../../../src/local/constants.js';
import {
  buildProxyEvent,
  clfTime,
  extendedRequestIdOf,
  type IncomingRequest,
  proxyHeaderMaps,
  resourceIdOf,
  traceIdOf,
} from '../../../../src/local/gateway/proxy-event.js';
import { ID_FORMATS } from '../../../support/event-samples/samples.js';

const settings = {
  stage: 'dev',
  resource: '/isolated',
  requestId: 'b7a4c2f0-5a0e-4c59-9f41-2f6f1f0e8d21',
  nowMs: Date.UTC(2026, 3, 9, 12, 34, 56),
  accountId: '123456789012',
  apiId: LOCAL_API_ID,
};

const request = (over: Partial<IncomingRequest> = {}): IncomingRequest => ({
  method: 'GET',
  path: '/dev/isolated',
  query: '',
  rawHeaders: ['Host', '127.0.0.1:3000'],
  body: Buffer.alloc(0),
  sourceIp: '127.0.0.1',
  ...over,
});

describe('buildProxyEvent', () => {
  const event = buildProxyEvent(
    {
      method: 'GET',
      path: '/dev/isolated',
      query: 'a=1&a=2&b=x',
      rawHeaders: ['Host', '127.0.0.1:3000', 'X-Tenant-Id', 'T1', 'x-tenant-id', 'T2'],
      body: Buffer.alloc(0),
      sourceIp: '127.0.0.1',
    },
    settings,
  );

  it('builds an event the handlers accept as a REST proxy event', () => {
    expect(isRestProxyEvent(event)).toBe(true);
  });

  it('keeps the stage out of path and in requestContext.path', () => {
    expect(event.path).toBe('/isolated');
    expect(event.requestContext.path).toBe('/dev/isolated');
    expect(event.requestContext.stage).toBe('dev');
    expect(event.resource).toBe('/isolated');
  });

  it('has no authorizer key in requestContext (the gateway adds one after an Allow)', () => {
    expect('authorizer' in event.requestContext).toBe(false);
    expect(Object.keys(JSON.parse(JSON.stringify(event)).requestContext)).not.toContain(
      'authorizer',
    );
  });

  it('carries repeated headers in multiValueHeaders and the last one in headers', () => {
    expect(event.headers['X-Tenant-Id']).toBe('T2');
    expect(event.multiValueHeaders['X-Tenant-Id']).toEqual(['T1', 'T2']);
  });

  it('parses the query string like API Gateway', () => {
    expect(event.queryStringParameters).toEqual({ a: '2', b: 'x' });
    expect(event.multiValueQueryStringParameters).toEqual({ a: ['1', '2'], b: ['x'] });
  });

  it('has a null body when none was sent', () => {
    expect(event.body).toBeNull();
    expect(event.isBase64Encoded).toBe(false);
  });

  it('stamps the request time in CLF', () => {
    expect(event.requestContext.requestTime).toBe('09/Apr/2026:12:34:56 +0000');
    expect(clfTime(0)).toBe('01/Jan/1970:00:00:00 +0000');
  });
});

describe('proxyHeaderMaps', () => {
  it('is empty for no headers', () => {
    expect(proxyHeaderMaps([])).toEqual({ single: {}, multi: {} });
  });
});

describe('proxyHeaderMaps with names that are Object.prototype members', () => {
  it.each(['constructor', 'valueOf', '__proto__', 'toString'])(
    'keeps a header named %s as an ordinary entry',
    (name) => {
      const { single, multi } = proxyHeaderMaps([name, 'a', name, 'b']);

      expect(Object.entries(single)).toEqual([[name, 'b']]);
      expect(Object.entries(multi)).toEqual([[name, ['a', 'b']]]);
    },
  );
});

describe('ids in the formats API Gateway uses', () => {
  const event = buildProxyEvent(request(), settings);
  const context = event.requestContext as typeof event.requestContext & { deploymentId: string };

  it('has a 10-character API id and a 6-character resource and deployment id', () => {
    expect(context.apiId).toMatch(ID_FORMATS.apiId);
    expect(context.resourceId).toMatch(ID_FORMATS.resourceId);
    expect(context.deploymentId).toMatch(ID_FORMATS.deploymentId);
    expect(context.deploymentId).toBe(LOCAL_DEPLOYMENT_ID);
  });

  it('keeps a resource id per resource: stable, and different for another resource', () => {
    expect(resourceIdOf('/isolated')).toBe(context.resourceId);
    expect(resourceIdOf('/isolated')).toBe(resourceIdOf('/isolated'));
    expect(resourceIdOf('/standard')).toMatch(ID_FORMATS.resourceId);
    expect(resourceIdOf('/standard')).not.toBe(resourceIdOf('/isolated'));
  });

  it('has an extended request id of its own, not the request id', () => {
    expect(context.extendedRequestId).toMatch(ID_FORMATS.extendedRequestId);
    expect(context.extendedRequestId).not.toBe(context.requestId);
    expect(extendedRequestIdOf('another-request')).not.toBe(context.extendedRequestId);
  });

  it('puts the epoch second of the request into the trace id', () => {
    const trace = traceIdOf(settings.requestId, settings.nowMs);
    expect(trace).toMatch(ID_FORMATS.traceId);
    const epoch = Math.floor(settings.nowMs / 1000).toString(16);
    expect(trace.startsWith(`Root=1-${epoch}-`)).toBe(true);
    expect(traceIdOf('another-request', settings.nowMs)).not.toBe(trace);
    expect(traceIdOf(settings.requestId, 0)).toMatch(/^Root=1-00000000-/);
  });
});

describe('the headers API Gateway adds', () => {
  const gatewayHeaders = (over: Partial<IncomingRequest> = {}) => {
    const { headers, multiValueHeaders } = buildProxyEvent(request(over), settings);
    return { headers, multiValueHeaders };
  };

  it('adds X-Forwarded-For, -Port, -Proto and X-Amzn-Trace-Id to both maps', () => {
    const { headers, multiValueHeaders } = gatewayHeaders({ localPort: 3000 });

    expect(headers).toMatchObject({
      'X-Forwarded-For': '127.0.0.1',
      'X-Forwarded-Port': '3000',
      'X-Forwarded-Proto': 'http',
    });
    expect(headers['X-Amzn-Trace-Id']).toMatch(ID_FORMATS.traceId);
    expect(headers['X-Amzn-Trace-Id']).toBe(traceIdOf(settings.requestId, settings.nowMs));
    for (const name of ['X-Forwarded-For', 'X-Forwarded-Port', 'X-Forwarded-Proto']) {
      expect(multiValueHeaders[name]).toEqual([headers[name]]);
    }
    expect(multiValueHeaders['X-Amzn-Trace-Id']).toEqual([headers['X-Amzn-Trace-Id']]);
  });

  it('appends the client IP to an X-Forwarded-For the client sent, in any letter case', () => {
    const { headers, multiValueHeaders } = gatewayHeaders({
      rawHeaders: ['x-forwarded-for', '203.0.113.7', 'X-FORWARDED-FOR', '198.51.100.1'],
      sourceIp: '192.0.2.10',
    });

    expect(headers['X-Forwarded-For']).toBe('203.0.113.7, 198.51.100.1, 192.0.2.10');
    expect(multiValueHeaders['X-Forwarded-For']).toEqual(['203.0.113.7, 198.51.100.1, 192.0.2.10']);
    expect(Object.keys(headers).filter((name) => /^x-forwarded-for$/i.test(name))).toEqual([
      'X-Forwarded-For',
    ]);
  });

  it('overwrites an X-Forwarded-Port or -Proto the client sent', () => {
    const { headers, multiValueHeaders } = gatewayHeaders({
      rawHeaders: ['x-forwarded-proto', 'https', 'X-Forwarded-Port', '443'],
      localPort: 3001,
    });

    expect(headers['X-Forwarded-Proto']).toBe('http');
    expect(headers['X-Forwarded-Port']).toBe('3001');
    expect('x-forwarded-proto' in headers).toBe(false);
    expect(multiValueHeaders['X-Forwarded-Port']).toEqual(['3001']);
  });

  it.each([
    ['the Host header when the socket port is not given', ['Host', '127.0.0.1:4567'], '4567'],
    ['80 for a Host without a port', ['Host', 'localhost'], '80'],
    ['80 for a Host with an impossible port', ['Host', 'localhost:99999'], '80'],
    ['80 without a Host', [], '80'],
  ])('takes the port from %s', (_label, rawHeaders, port) => {
    expect(gatewayHeaders({ rawHeaders }).headers['X-Forwarded-Port']).toBe(port);
  });

  it("passes a client's X-Amzn-Trace-Id on unchanged, as API Gateway does", () => {
    const sent = 'Root=1-66704cad-0fbaf1491365339d168b2a7d;Sampled=0';
    const { headers, multiValueHeaders } = gatewayHeaders({
      rawHeaders: ['x-amzn-trace-id', sent],
    });

    expect(headers['x-amzn-trace-id']).toBe(sent);
    expect(multiValueHeaders['x-amzn-trace-id']).toEqual([sent]);
    expect('X-Amzn-Trace-Id' in headers).toBe(false);
  });

  it('fills the header maps even for a request without headers', () => {
    const { headers } = gatewayHeaders({ rawHeaders: [] });
    expect(Object.keys(headers).sort()).toEqual([
      'X-Amzn-Trace-Id',
      'X-Forwarded-For',
      'X-Forwarded-Port',
      'X-Forwarded-Proto',
    ]);
  });
});
