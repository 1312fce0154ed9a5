import { afterEach, describe, expect, it, vi } from 'vitest';
import { lambdaContext, restEvent } from '../../../scripts/lib/lambda-fixtures.js';
import { BadRequestError } from '../../../src/http/errors.js';
import { httpEndpoint } from '../../../src/http/http-endpoint.js';
import { jsonResponse } from '../../../src/http/json-response.js';
import { captureLambdaLog } from '../../support/lambda-log.js';

const okLogic = vi.fn(async () => jsonResponse(200, { ok: true }));

describe('httpEndpoint', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    okLogic.mockClear();
  });

  it('runs the logic for a GET REST proxy event', async () => {
    const result = await httpEndpoint(okLogic)(restEvent(), lambdaContext());
    expect(result.statusCode).toBe(200);
    expect(okLogic).toHaveBeenCalledOnce();
  });

  it('sets JSON, no-store and CORS headers, and the environment id', async () => {
    const result = await httpEndpoint(okLogic)(restEvent(), lambdaContext());
    expect(result.headers).toEqual({
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
      'Access-Control-Allow-Origin': '*',
      'x-environment-id': expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('names the same environment on every answer, errors included', async () => {
    const ok = await httpEndpoint(okLogic)(restEvent(), lambdaContext());
    const refused = await httpEndpoint(okLogic)(restEvent({ method: 'POST' }), lambdaContext());
    expect(refused.headers?.['x-environment-id']).toBe(ok.headers?.['x-environment-id']);
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'get'])(
    'answers %s with 405 and Allow: GET, without running the logic',
    async (method) => {
      const result = await httpEndpoint(okLogic)(restEvent({ method }), lambdaContext());
      expect(result.statusCode).toBe(405);
      expect(result.headers?.Allow).toBe('GET');
      expect(JSON.parse(result.body)).toMatchObject({ error: 'MethodNotAllowed' });
      expect(okLogic).not.toHaveBeenCalled();
    },
  );

  it.each([
    ['undefined', undefined],
    ['an HTTP API event', { version: '2.0', rawPath: '/standard', requestContext: {} }],
    ['a scheduled event', { source: 'aws.events', 'detail-type': 'Scheduled Event' }],
  ])('answers %s with 400 UnsupportedEvent', async (_label, event) => {
    const result = await httpEndpoint(okLogic)(event, lambdaContext());
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toMatchObject({ error: 'UnsupportedEvent' });
    expect(okLogic).not.toHaveBeenCalled();
  });

  it('maps a typed HTTP error to its status and JSON body', async () => {
    const failing = httpEndpoint(async () => {
      throw new BadRequestError('nope', 'Nope');
    });
    const result = await failing(restEvent(), lambdaContext());
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toEqual({ error: 'Nope', message: 'nope' });
  });

  it('answers any other error with a generic 500 and logs one structured ERROR line', async () => {
    const failing = httpEndpoint(async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:8000 at secret/internal/path.js');
    });
    const context = lambdaContext({ tenantId: 'Tenant-9' });
    const { result, lines } = await captureLambdaLog(context, () => failing(restEvent(), context));

    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toEqual({
      error: 'InternalServerError',
      message: 'Internal server error',
    });
    expect(result.body).not.toMatch(/ECONNREFUSED|secret|\.js|at /);
    expect(lines).toEqual([
      {
        timestamp: expect.any(String),
        level: 'ERROR',
        requestId: context.awsRequestId,
        tenantId: 'Tenant-9',
        message: {
          message: 'Request failed',
          errorName: 'Error',
          errorMessage: 'connect ECONNREFUSED 127.0.0.1:8000 at secret/internal/path.js',
        },
      },
    ]);
  });

  it('leaves requestId and tenantId to the runtime instead of repeating them', async () => {
    const failing = httpEndpoint(async () => {
      throw new Error('boom');
    });
    const context = lambdaContext();
    const { lines } = await captureLambdaLog(context, () => failing(restEvent(), context));
    const message = lines[0]?.message as Record<string, unknown>;

    expect(Object.keys(message).sort()).toEqual(['errorMessage', 'errorName', 'message']);
  });
});
