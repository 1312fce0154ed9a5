/**
 * The API Gateway side: a node:http server with the routes, request validator and answers of the
 * Terraform REST API, in front of the local Lambda service.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  type AuthorizerDecision,
  authorizerEvent,
  methodArn,
  type TenantIdAuthorizer,
} from './authorizer.js';
import {
  AUTHORIZER_CONFIGURATION_ERROR,
  FORBIDDEN,
  FUNCTION_ERROR,
  GATEWAY_RESPONSE_HEADERS,
  type GatewayAnswer,
  INTEGRATION_TIMEOUT,
  MAX_PAYLOAD_BYTES,
  MISSING_AUTHENTICATION_TOKEN,
  missingRequestParameters,
  REQUEST_TOO_LARGE,
  TENANT_ID_ACCESS_DENIED,
  TENANT_ID_UNAUTHORIZED,
} from './gateway-responses.js';
import type { InvokeResult, LambdaService } from './lambda-service.js';
import { buildProxyEvent, headerValues, LOCAL_ACCOUNT_ID, LOCAL_API_ID } from './proxy-event.js';
import type { HttpAnswer } from './proxy-result.js';
import { formatRequestLine } from './request-log.js';
import { CORS_HEADERS, matchRoute } from './routes.js';
import { LOCAL_REGION } from './store.js';

export interface GatewayOptions {
  stage: string;
  lambda: LambdaService;
  /** API Gateway's integration timeout (29 s by default for REST APIs). */
  integrationTimeoutMs: number;
  /**
   * The tenant id authorizer of GET /isolated; undefined = none (tenant_id_authorizer = false),
   * and X-Amz-Tenant-Id is mapped from the raw header.
   */
  authorizer: TenantIdAuthorizer | undefined;
  log: (line: string) => void;
}

export interface Gateway {
  server: Server;
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
 * a bound) so the client can still read the 413 instead of a reset connection. A client that goes
 * away before the end gets nothing: there is no one left to answer, and no function runs.
 */
const readBody = (request: IncomingMessage): Promise<Buffer | 'too-large' | 'aborted'> =>
  new Promise((resolve) => {
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
    // An 'aborted' error or a close before the end: the client went away mid-request.
    const gone = (): void => resolve(size > MAX_PAYLOAD_BYTES ? 'too-large' : 'aborted');
    request.on('error', gone);
    request.on('close', () => {
      if (!request.complete) gone();
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
        ...(answer.responseType === undefined ? {} : GATEWAY_RESPONSE_HEADERS),
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

    const received = await readBody(request);
    if (received === 'aborted') {
      // The client is gone; nothing to send, only the log line.
      response.destroy();
      options.log(
        formatRequestLine({
          time: new Date(),
          method,
          path,
          status: 0,
          durationMs: performance.now() - started,
          tenantId: headerValues(request.rawHeaders, TENANT_HEADER).at(-1),
          environmentId: undefined,
          cold: undefined,
          liveEnvironments: options.lambda.pool.liveCount,
          failure: 'client went away before sending its whole request',
        }),
      );
      return;
    }
    const body = received === 'too-large' ? Buffer.alloc(0) : received;
    const route = matchRoute(method, path, options.stage);
    if (received === 'too-large') {
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
      // X-Amz-Tenant-Id on the isolated integration: from the authorizer's context when there
      // is one, else straight from the header (main.tf's integration_request_parameters).
      let tenantId = isolated ? tenantHeader : undefined;
      let refused: Pick<InvokeResult, 'answer' | 'failure'> | undefined;
      if (isolated && options.authorizer !== undefined) {
        const arn = methodArn({
          region: LOCAL_REGION,
          accountId: LOCAL_ACCOUNT_ID,
          apiId: LOCAL_API_ID,
          stage: options.stage,
          method,
          resource: route.resource,
        });
        const { decision, latencyMs } = await options.authorizer.authorize(tenantHeader, () =>
          authorizerEvent(event, arn),
        );
        if (decision.kind === 'allow') {
          // As API Gateway passes it on: principalId, the context (values as strings, an
          // assumption for REST proxy events) and the authorizer's latency.
          event.requestContext.authorizer = {
            ...Object.fromEntries(
              Object.entries(decision.context).map(([key, value]) => [key, String(value)]),
            ),
            principalId: decision.principalId,
            integrationLatency: latencyMs,
          };
          const mapped = decision.context.tenantId;
          tenantId = mapped === undefined ? undefined : String(mapped);
        } else {
          refused = authorizerRefusal(decision);
        }
      }
      if (refused !== undefined) {
        result = { ...result, ...refused };
      } else if (isolated && (tenantHeader === undefined || tenantHeader === '')) {
        // The method's request validator; assumption: an empty value counts as missing.
        result = { ...result, answer: missingRequestParameters([TENANT_HEADER]) };
      } else {
        result = await invokeWithin(
          options.lambda.invoke(route.functionKey, tenantId, event),
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

  // Requests Node refuses before any handler sees them (headers over its 16 KB limit, bytes
  // that are not HTTP): by default Node writes a bare status line. Answer in JSON, like every
  // other error here, with Node's status codes; a socket that cannot be written is just closed.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? 431 : 400;
    const body = JSON.stringify({
      message: tooLarge ? 'Request Header Fields Too Large' : 'Bad Request',
    });
    if (socket.writable && error.code !== 'ECONNRESET') {
      socket.end(
        `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `Connection: close\r\n\r\n${body}`,
      );
    } else {
      socket.destroy();
    }
    options.log(`client error: ${error.code ?? error.message} (answered ${status})`);
  });

  return {
    server,
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

/** What the gateway answers when its authorizer does not let a request through. */
const authorizerRefusal = (
  decision: Exclude<AuthorizerDecision, { kind: 'allow' }>,
): Pick<InvokeResult, 'answer' | 'failure'> => {
  switch (decision.kind) {
    case 'unauthorized':
      return {
        answer: TENANT_ID_UNAUTHORIZED,
        failure: 'authorizer: no identity (401 UNAUTHORIZED)',
      };
    case 'deny':
      return { answer: TENANT_ID_ACCESS_DENIED, failure: 'authorizer: denied (ACCESS_DENIED)' };
    case 'error':
      return { answer: AUTHORIZER_CONFIGURATION_ERROR, failure: decision.failure };
  }
};

const mapValues = (headers: Readonly<Record<string, string>>): Record<string, string[]> =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]]));
