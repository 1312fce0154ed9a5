/**
 * The API Gateway side: a node:http server with the routes, request validator and answers of the
 * Terraform REST API, in front of the local Lambda service.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  FORBIDDEN,
  FUNCTION_ERROR,
  type GatewayAnswer,
  INTEGRATION_TIMEOUT,
  MAX_PAYLOAD_BYTES,
  MISSING_AUTHENTICATION_TOKEN,
  missingRequestParameters,
  REQUEST_TOO_LARGE,
} from './gateway-responses.js';
import type { InvokeResult, LambdaService } from './lambda-service.js';
import { buildProxyEvent, headerValues, LOCAL_ACCOUNT_ID, LOCAL_API_ID } from './proxy-event.js';
import type { HttpAnswer } from './proxy-result.js';
import { formatRequestLine } from './request-log.js';
import { CORS_HEADERS, matchRoute } from './routes.js';

export interface GatewayOptions {
  stage: string;
  lambda: LambdaService;
  /** API Gateway's integration timeout (29 s by default for REST APIs). */
  integrationTimeoutMs: number;
  log: (line: string) => void;
}

export interface Gateway {
  server: Server;
  /** Requests being handled right now; shutdown waits for them. */
  inFlight(): number;
  /** Resolves once no request is in flight. */
  drained(): Promise<void>;
  /** From now on every answer closes its connection (used while shutting down). */
  closing(): void;
}

/** The tenant header, mapped to `X-Amz-Tenant-Id` on the isolated integration only. */
const TENANT_HEADER = 'x-tenant-id';

type Answer = HttpAnswer | GatewayAnswer;
const isGatewayAnswer = (answer: Answer): answer is GatewayAnswer => 'errorType' in answer;

/**
 * Reads the body up to the REST API payload limit. Beyond it the rest is read and dropped (up to
 * a bound) so the client can still read the 413 instead of a reset connection.
 */
const readBody = (request: IncomingMessage): Promise<Buffer | 'too-large'> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_PAYLOAD_BYTES) chunks.push(chunk);
      else if (size > 4 * MAX_PAYLOAD_BYTES) request.destroy();
    });
    request.on('end', () =>
      resolve(size > MAX_PAYLOAD_BYTES ? 'too-large' : Buffer.concat(chunks)),
    );
    request.on('error', reject);
    request.on('close', () => {
      if (!request.complete) resolve('too-large');
    });
  });

export const createGateway = (options: GatewayOptions): Gateway => {
  let active = 0;
  let closing = false;
  let onDrained: (() => void) | undefined;

  const send = (
    response: ServerResponse,
    requestId: string,
    answer: Answer,
    environmentId: string | undefined,
  ): void => {
    const base: Record<string, string> = { 'x-amzn-RequestId': requestId };
    if (environmentId !== undefined) base['x-local-environment-id'] = environmentId;
    if (closing) base.Connection = 'close';
    if (isGatewayAnswer(answer)) {
      response.writeHead(answer.statusCode, {
        'Content-Type': 'application/json',
        'x-amzn-ErrorType': answer.errorType,
        ...base,
      });
      response.end(answer.body);
      return;
    }
    response.statusCode = answer.statusCode;
    for (const [name, values] of Object.entries(answer.headers)) response.setHeader(name, values);
    for (const [name, value] of Object.entries(base)) response.setHeader(name, value);
    response.end(answer.body);
  };

  const invokeWithin = async (
    run: Promise<InvokeResult>,
    timeoutMs: number,
  ): Promise<InvokeResult> => {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<InvokeResult>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({
            answer: INTEGRATION_TIMEOUT,
            environmentId: undefined,
            cold: false,
            failure: 'integration timeout',
          }),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([run, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const started = performance.now();
    const requestId = randomUUID();
    const method = request.method ?? 'GET';
    const target = request.url ?? '/';
    const queryAt = target.indexOf('?');
    const path = queryAt === -1 ? target : target.slice(0, queryAt);
    const query = queryAt === -1 ? '' : target.slice(queryAt + 1);
    let tenantForLog: string | undefined;
    let result: InvokeResult = {
      answer: MISSING_AUTHENTICATION_TOKEN,
      environmentId: undefined,
      cold: false,
    };
    let cold: boolean | undefined;

    const body = await readBody(request);
    const route = matchRoute(method, path, options.stage);
    if (body === 'too-large') {
      result = { ...result, answer: REQUEST_TOO_LARGE };
    } else if (route.kind === 'unknown-stage') {
      result = { ...result, answer: FORBIDDEN };
    } else if (route.kind === 'cors') {
      result = {
        ...result,
        answer: { statusCode: 200, headers: mapValues(CORS_HEADERS), body: Buffer.alloc(0) },
      };
    } else if (route.kind === 'invoke') {
      const tenantValues = headerValues(request.rawHeaders, TENANT_HEADER);
      // Like `method.request.header.x-tenant-id`: the last value when a client repeats it.
      const tenantHeader = tenantValues.at(-1);
      const isolated = route.functionKey === 'isolated';
      tenantForLog = tenantHeader;
      if (isolated && (tenantHeader === undefined || tenantHeader === '')) {
        // The method's request validator; assumption: an empty value counts as missing.
        result = { ...result, answer: missingRequestParameters([TENANT_HEADER]) };
      } else {
        const event = buildProxyEvent(
          {
            method,
            path,
            query,
            rawHeaders: request.rawHeaders,
            body,
            sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
          },
          {
            stage: options.stage,
            resource: route.resource,
            requestId,
            nowMs: Date.now(),
            accountId: LOCAL_ACCOUNT_ID,
            apiId: LOCAL_API_ID,
          },
        );
        result = await invokeWithin(
          options.lambda.invoke(route.functionKey, isolated ? tenantHeader : undefined, event),
          options.integrationTimeoutMs,
        );
        if (result.environmentId !== undefined) cold = result.cold;
      }
    }

    try {
      send(response, requestId, result.answer, result.environmentId);
    } catch (error) {
      // A header the function set that HTTP cannot carry: API Gateway would refuse the response.
      result = {
        ...result,
        failure: `unsendable response: ${error instanceof Error ? error.message : String(error)}`,
      };
      if (!response.headersSent) {
        for (const name of response.getHeaderNames()) response.removeHeader(name);
        send(response, requestId, FUNCTION_ERROR, result.environmentId);
      }
    }
    options.log(
      formatRequestLine({
        time: new Date(),
        method,
        path,
        status: response.statusCode,
        durationMs: performance.now() - started,
        tenantId: tenantForLog,
        environmentId: result.environmentId,
        cold,
        liveEnvironments: options.lambda.pool.liveCount,
        failure: result.failure,
      }),
    );
  };

  const server = createServer((request, response) => {
    active += 1;
    handle(request, response)
      .catch((error: unknown) => {
        options.log(`gateway error: ${error instanceof Error ? error.message : String(error)}`);
        if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'application/json' });
        response.end('{"message": "Internal server error"}');
      })
      .finally(() => {
        active -= 1;
        if (active === 0) onDrained?.();
      });
  });

  return {
    server,
    inFlight: () => active,
    drained: () =>
      active === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            onDrained = resolve;
          }),
    closing: () => {
      closing = true;
    },
  };
};

const mapValues = (headers: Readonly<Record<string, string>>): Record<string, string[]> =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]]));
