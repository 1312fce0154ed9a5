/**
 * The API Gateway side: a node:http server with the routes, authorizer, request validator and
 * answers of the Terraform REST API, in front of the local Lambda service.
 *
 * A request passes named steps, in API Gateway's order: read the body, route, authorize,
 * validate, invoke, respond and log. Each step either hands on or ends with an answer.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { IdentityMode } from '../../config/authorizer-config.js';
import { REST_MAX_PAYLOAD_BYTES } from '../aws-limits.js';
import { LOCAL_ACCOUNT_ID, LOCAL_API_ID, LOCAL_REGION } from '../constants.js';
import { FUNCTIONS, type RouteKey } from '../lambda/functions.js';
import type { LambdaService } from '../lambda/service.js';
import {
  AUTHORIZER_CONFIGURATION_ERROR,
  type AuthorizerRefusals,
  FORBIDDEN,
  FUNCTION_ERROR,
  GATEWAY_RESPONSE_HEADERS,
  type GatewayAnswer,
  INTERNAL_SERVER_ERROR_BODY,
  MISSING_AUTHENTICATION_TOKEN,
  missingRequestParameters,
  REQUEST_TOO_LARGE,
} from './answers.js';
import {
  type AuthorizerDecision,
  authorizerEvent,
  methodArn,
  type RouteAuthorizer,
} from './authorizer.js';
import { type IntegrationResult, invokeIntegration } from './integration.js';
import { buildProxyEvent, rawHeaderValues } from './proxy-event.js';
import type { HttpAnswer } from './proxy-result.js';
import { formatRequestLine } from './request-log.js';
import { CORS_HEADERS, matchRoute } from './routes.js';

export interface GatewayOptions {
  stage: string;
  lambda: LambdaService;
  /** API Gateway's integration timeout (29 s by default for REST APIs). */
  integrationTimeoutMs: number;
  /** How tenants are identified: which headers the validator requires depends on it. */
  identity: IdentityMode;
  /**
   * Each authorized route's own authorizer (main.tf's `aws_api_gateway_authorizer.route`). A
   * route without one maps X-Amz-Tenant-Id from the raw header (tenant_id_authorizer = false).
   */
  authorizers: Partial<Record<RouteKey, RouteAuthorizer>>;
  /** The gateway responses for the authorizers' refusals, as main.tf shapes them. */
  refusals: AuthorizerRefusals;
  log: (line: string) => void;
}

export interface Gateway {
  server: Server;
  /** Resolves once no request is in flight. */
  drained(): Promise<void>;
  /** From now on every answer closes its connection (used while shutting down). */
  closing(): void;
}

/** The tenant header, mapped to `X-Amz-Tenant-Id` on the integrations with tenant isolation. */
const TENANT_HEADER = 'x-tenant-id';

type Answer = HttpAnswer | GatewayAnswer;
const isGatewayAnswer = (answer: Answer): answer is GatewayAnswer => 'errorType' in answer;

/** What the steps decided for one request, and what its log line says. */
interface Handled extends IntegrationResult {
  /** The tenant the client named, for the log line only. */
  tenantForLog?: string;
}

/** One request as the steps see it. */
interface Exchange {
  request: IncomingMessage;
  requestId: string;
  started: number;
  method: string;
  path: string;
  query: string;
}

const exchangeOf = (request: IncomingMessage): Exchange => {
  const target = request.url ?? '/';
  const queryAt = target.indexOf('?');
  return {
    request,
    requestId: randomUUID(),
    started: performance.now(),
    method: request.method ?? 'GET',
    path: queryAt === -1 ? target : target.slice(0, queryAt),
    query: queryAt === -1 ? '' : target.slice(queryAt + 1),
  };
};

/**
 * Step 1, read the body up to the REST API payload limit. Beyond it the rest is read and dropped
 * (up to a bound) so the client can still read the 413 instead of a reset connection. A client
 * that goes away before the end gets nothing: there is no one left to answer, and no function
 * runs.
 */
const readBody = (request: IncomingMessage): Promise<Buffer | 'too-large' | 'aborted'> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= REST_MAX_PAYLOAD_BYTES) chunks.push(chunk);
      else if (size > 4 * REST_MAX_PAYLOAD_BYTES) request.destroy();
    });
    request.on('end', () =>
      resolve(size > REST_MAX_PAYLOAD_BYTES ? 'too-large' : Buffer.concat(chunks)),
    );
    // An 'aborted' error or a close before the end: the client went away mid-request.
    const gone = (): void => resolve(size > REST_MAX_PAYLOAD_BYTES ? 'too-large' : 'aborted');
    request.on('error', gone);
    request.on('close', () => {
      if (!request.complete) gone();
    });
  });

const CORS_ANSWER: HttpAnswer = {
  statusCode: 200,
  headers: Object.fromEntries(Object.entries(CORS_HEADERS).map(([name, value]) => [name, [value]])),
  body: Buffer.alloc(0),
};

/** What the gateway answers when an authorizer does not let a request through. */
const authorizerRefusal = (
  decision: Exclude<AuthorizerDecision, { kind: 'allow' }>,
  refusals: AuthorizerRefusals,
): Handled => {
  switch (decision.kind) {
    case 'unauthorized':
      return { answer: refusals.unauthorized, failure: 'authorizer: unauthorized (UNAUTHORIZED)' };
    case 'deny':
      return { answer: refusals.accessDenied, failure: 'authorizer: denied (ACCESS_DENIED)' };
    case 'error':
      return { answer: AUTHORIZER_CONFIGURATION_ERROR, failure: decision.failure };
  }
};

/**
 * Step 4, validate: the method's request validator, on the headers main.tf's
 * `method_request_parameters` require. Assumption: an empty value counts as missing. Returns the
 * names of the required headers that are missing.
 */
const missingHeaders = (
  key: RouteKey,
  identity: IdentityMode,
  rawHeaders: readonly string[],
): string[] =>
  FUNCTIONS[key].requiredHeaders[identity].filter((name: string) => {
    const value = rawHeaderValues(rawHeaders, name).at(-1);
    return value === undefined || value === '';
  });

export const createGateway = (options: GatewayOptions): Gateway => {
  let active = 0;
  let closing = false;
  let onDrained: (() => void) | undefined;

  /**
   * Step 3, authorize (the routes with an authorizer of their own): on Allow, the event gains
   * `requestContext.authorizer` and the tenant comes from its context.
   */
  const authorize = async (
    exchange: Exchange,
    resource: string,
    event: ReturnType<typeof buildProxyEvent>,
    authorizer: RouteAuthorizer,
  ): Promise<{ refused: Handled } | { tenantId: string | undefined }> => {
    // Like `method.request.header.<name>`: the last value when a client repeats it.
    const identity = rawHeaderValues(exchange.request.rawHeaders, authorizer.identityHeader).at(-1);
    const arn = methodArn({
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      apiId: LOCAL_API_ID,
      stage: options.stage,
      method: exchange.method,
      resource,
    });
    const { decision, latencyMs } = await authorizer.authorize(identity, () =>
      authorizerEvent(event, arn),
    );
    if (decision.kind !== 'allow') {
      return { refused: authorizerRefusal(decision, options.refusals) };
    }
    // As API Gateway passes it on: principalId, the context (values as strings, an assumption
    // for REST proxy events) and the authorizer's latency.
    event.requestContext.authorizer = {
      ...Object.fromEntries(
        Object.entries(decision.context).map(([key, value]) => [key, String(value)]),
      ),
      principalId: decision.principalId,
      integrationLatency: latencyMs,
    };
    const mapped = decision.context.tenantId;
    return { tenantId: mapped === undefined ? undefined : String(mapped) };
  };

  /** Steps 3 to 5 for a route that invokes a function: authorize, validate, invoke. */
  const invokeRoute = async (
    exchange: Exchange,
    functionKey: RouteKey,
    resource: string,
    body: Buffer,
  ): Promise<Handled> => {
    const { request } = exchange;
    const spec = FUNCTIONS[functionKey];
    // Like `method.request.header.x-tenant-id`: the last value when a client repeats it.
    const tenantHeader = rawHeaderValues(request.rawHeaders, TENANT_HEADER).at(-1);
    const event = buildProxyEvent(
      {
        method: exchange.method,
        path: exchange.path,
        query: exchange.query,
        rawHeaders: request.rawHeaders,
        body,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
      },
      {
        stage: options.stage,
        resource,
        requestId: exchange.requestId,
        nowMs: Date.now(),
        accountId: LOCAL_ACCOUNT_ID,
        apiId: LOCAL_API_ID,
      },
    );
    // X-Amz-Tenant-Id on an integration with tenant isolation: from the authorizer's context
    // when there is one, else straight from the header (main.tf's integration_request_parameters).
    let tenantId = spec.tenantIsolation ? tenantHeader : undefined;
    // The tenant for the log line: the one the authorizer established, or the header's.
    let tenantForLog = options.identity === 'header' ? tenantHeader : undefined;
    const authorizer = options.authorizers[functionKey];
    if (authorizer !== undefined) {
      const authorized = await authorize(exchange, resource, event, authorizer);
      if ('refused' in authorized) return { ...authorized.refused, tenantForLog };
      tenantForLog = authorized.tenantId;
      if (spec.tenantIsolation) tenantId = authorized.tenantId;
    }
    const missing = missingHeaders(functionKey, options.identity, request.rawHeaders);
    if (missing.length > 0) {
      return { answer: missingRequestParameters(missing), tenantForLog };
    }
    const result = await invokeIntegration(
      options.lambda,
      functionKey,
      tenantId,
      event,
      options.integrationTimeoutMs,
    );
    return { ...result, tenantForLog };
  };

  /** Step 2, route, then whatever the route needs. */
  const answer = async (exchange: Exchange, body: Buffer | 'too-large'): Promise<Handled> => {
    if (body === 'too-large') return { answer: REQUEST_TOO_LARGE };
    const route = matchRoute(exchange.method, exchange.path, options.stage);
    switch (route.kind) {
      case 'unknown-stage':
        return { answer: FORBIDDEN };
      case 'no-route':
        return { answer: MISSING_AUTHENTICATION_TOKEN };
      case 'cors':
        return { answer: CORS_ANSWER };
      case 'invoke':
        return invokeRoute(exchange, route.functionKey, route.resource, body);
    }
  };

  /** Step 6, respond. */
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
        ...answer.headers,
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

  /** Step 6, respond; a header the function set that HTTP cannot carry becomes a 502. */
  const respond = (response: ServerResponse, exchange: Exchange, handled: Handled): Handled => {
    try {
      send(response, exchange.requestId, handled.answer, handled.environmentId);
      return handled;
    } catch (error) {
      // API Gateway would refuse such a response from the function.
      const failure = `unsendable response: ${error instanceof Error ? error.message : String(error)}`;
      if (!response.headersSent) {
        for (const name of response.getHeaderNames()) response.removeHeader(name);
        send(response, exchange.requestId, FUNCTION_ERROR, handled.environmentId);
      }
      return { ...handled, failure };
    }
  };

  /** Step 7, log: one line per request (status 0 when the client went away). */
  const logRequest = (exchange: Exchange, status: number, handled: Handled): void =>
    options.log(
      formatRequestLine({
        time: new Date(),
        method: exchange.method,
        path: exchange.path,
        status,
        durationMs: performance.now() - exchange.started,
        tenantId: handled.tenantForLog,
        environmentId: handled.environmentId,
        cold: handled.environmentId === undefined ? undefined : handled.cold,
        liveEnvironments: options.lambda.pool.liveCount,
        failure: handled.failure,
      }),
    );

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const exchange = exchangeOf(request);
    const body = await readBody(request);
    if (body === 'aborted') {
      // The client is gone; nothing to send, only the log line.
      response.destroy();
      logRequest(exchange, 0, {
        answer: FUNCTION_ERROR,
        tenantForLog: rawHeaderValues(request.rawHeaders, TENANT_HEADER).at(-1),
        failure: 'client went away before sending its whole request',
      });
      return;
    }
    const handled = respond(response, exchange, await answer(exchange, body));
    logRequest(exchange, response.statusCode, handled);
  };

  const server = createServer((request, response) => {
    active += 1;
    handle(request, response)
      .catch((error: unknown) => {
        options.log(`gateway error: ${error instanceof Error ? error.message : String(error)}`);
        if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'application/json' });
        response.end(INTERNAL_SERVER_ERROR_BODY);
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
    const reason = tooLarge ? 'Request Header Fields Too Large' : 'Bad Request';
    const body = JSON.stringify({ message: reason });
    if (socket.writable && error.code !== 'ECONNRESET') {
      socket.end(
        `HTTP/1.1 ${status} ${reason}\r\n` +
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
