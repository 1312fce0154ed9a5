/**
 * The API Gateway side: a node:http server with the routes, authorizer, request validator and
 * answers of the Terraform REST API, in front of the local Lambda service.
 *
 * A request passes named steps, in API Gateway's order: read the body, admit (the request-wide
 * quotas), route, authorize, validate, invoke, respond and log. Each step either hands on or ends
 * with an answer.
 *
 * Two rules hold for every connection, whatever the client sends:
 * - every answer is JSON, also those Node itself would give (a bare 400, 417 or 431), and every
 *   request that runs is answered: requests pipelined ahead of bytes Node cannot parse are
 *   answered before the refusal, and a request followed by the client's FIN is answered too;
 * - no client can hold up a shutdown: `shutdown` closes idle and stalled connections at once and
 *   waits for the answers being computed only up to a bound.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { IdentityMode } from '../../config/authorizer-config.js';
import { LOCAL_ACCOUNT_ID, LOCAL_API_ID, LOCAL_REGION } from '../constants.js';
import { FUNCTIONS, type RouteKey } from '../lambda/functions.js';
import type { LambdaService } from '../lambda/service.js';
import {
  AUTHORIZER_CONFIGURATION_ERROR,
  type AuthorizerRefusals,
  EXPECTATION_FAILED,
  FORBIDDEN,
  FUNCTION_ERROR,
  GATEWAY_RESPONSE_HEADERS,
  type GatewayAnswer,
  INTERNAL_SERVER_ERROR_BODY,
  MISSING_AUTHENTICATION_TOKEN,
  missingRequestParameters,
  REQUEST_TOO_LARGE,
  THROTTLED,
} from './answers.js';
import {
  type AuthorizerDecision,
  authorizerEvent,
  methodArn,
  type RouteAuthorizer,
} from './authorizer.js';
import {
  admission,
  type ParseError,
  parseErrorAnswer,
  rawAnswer,
  readBody,
  splitTarget,
} from './http-request.js';
import { type IntegrationResult, invokeIntegration } from './integration.js';
import { buildProxyEvent, rawHeaderValues } from './proxy-event.js';
import type { HttpAnswer } from './proxy-result.js';
import { formatRequestLine } from './request-log.js';
import { CORS_HEADERS, matchRoute } from './routes.js';
import type { StageThrottle } from './throttle.js';

export interface GatewayOptions {
  stage: string;
  /** The stage's throttling (main.tf's aws_api_gateway_method_settings). */
  throttle: StageThrottle;
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
  /**
   * Stops taking connections and ends every one it has. Connections with nothing being answered
   * (idle keep-alive ones, and those whose request has not arrived whole: a stalled body, half
   * the headers) are closed at once; their requests never run. Requests whose body is complete
   * are being answered: they finish, each answer closing its connection, for at most `boundMs`,
   * after which whatever is left is closed too. Resolves once every connection is closed, with
   * how many were cut at the bound.
   */
  shutdown(boundMs: number): Promise<{ cutAtBound: number }>;
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
  response: ServerResponse;
  requestId: string;
  started: number;
  method: string;
  path: string;
  query: string;
  /** `reading` until the whole body is in; `answering` while the steps run. */
  phase: 'reading' | 'answering';
  /** Resolves once the response is done with (sent, or its connection gone). */
  settled: Promise<void>;
}

const exchangeOf = (request: IncomingMessage, response: ServerResponse): Exchange => ({
  request,
  response,
  requestId: randomUUID(),
  started: performance.now(),
  method: request.method ?? 'GET',
  ...splitTarget(request.url ?? '/'),
  phase: 'reading',
  settled: new Promise<void>((resolve) => response.once('close', () => resolve())),
});

/** One client connection: its requests still to be answered, oldest first. */
interface Connection {
  socket: Socket;
  open: Set<Exchange>;
  /** Refused (bytes Node cannot parse, CONNECT): nothing more of it is read or served. */
  refused: boolean;
}

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
 * Step 5, validate: the method's request validator, on the headers main.tf's
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
  /** Requests whose steps are running (the body is in): what a shutdown waits for. */
  let answering = 0;
  const onNoneAnswering = new Set<() => void>();
  let closing = false;
  const connections = new Map<Socket, Connection>();

  /**
   * Step 4, authorize (the routes with an authorizer of their own): on Allow, the event gains
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

  /** Steps 4 to 6 for a route that invokes a function: authorize, validate, invoke. */
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
        localPort: request.socket.localPort,
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

  /** Steps 2 and 3, admit and route, then whatever the route needs. */
  /**
   * Stage throttling, per method, before any authorizer or function runs: an empty bucket is
   * API Gateway's THROTTLED answer. Only methods that exist have a bucket.
   */
  const throttled = (exchange: Exchange, resource: string): Handled | undefined =>
    options.throttle.admit(`${exchange.method} ${resource}`)
      ? undefined
      : { answer: THROTTLED, failure: 'throttled: stage rate or burst' };

  const answer = async (exchange: Exchange, body: Buffer | 'too-large'): Promise<Handled> => {
    const refused = admission(exchange.request);
    if (refused !== undefined) return refused;
    if (body === 'too-large') return { answer: REQUEST_TOO_LARGE };
    const route = matchRoute(exchange.method, exchange.path, options.stage);
    switch (route.kind) {
      case 'unknown-stage':
        return { answer: FORBIDDEN };
      case 'no-route':
        return { answer: MISSING_AUTHENTICATION_TOKEN };
      case 'cors':
        return throttled(exchange, route.resource) ?? { answer: CORS_ANSWER };
      case 'invoke':
        return (
          throttled(exchange, route.resource) ??
          invokeRoute(exchange, route.functionKey, route.resource, body)
        );
    }
  };

  /** Step 7, respond. */
  const send = (response: ServerResponse, requestId: string, answer: Answer): void => {
    const base: Record<string, string> = { 'x-amzn-RequestId': requestId };
    // While shutting down, and after the client's FIN, this answer is the connection's last.
    if (closing || response.socket?.readableEnded === true) base.Connection = 'close';
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

  /** Step 7, respond; a header the function set that HTTP cannot carry becomes a 502. */
  const respond = (response: ServerResponse, exchange: Exchange, handled: Handled): Handled => {
    try {
      send(response, exchange.requestId, handled.answer);
      return handled;
    } catch (error) {
      // API Gateway would refuse such a response from the function.
      const failure = `unsendable response: ${error instanceof Error ? error.message : String(error)}`;
      if (!response.headersSent) {
        for (const name of response.getHeaderNames()) response.removeHeader(name);
        send(response, exchange.requestId, FUNCTION_ERROR);
      }
      return { ...handled, failure };
    }
  };

  /** Step 8, log: one line per request (status 0 when the client went away). */
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
        requestId: exchange.requestId,
        failure: handled.failure,
      }),
    );

  /** The end of step 6 for one request: a shutdown may be waiting for the last one. */
  const answered = (): void => {
    answering -= 1;
    if (answering === 0) for (const resolve of onNoneAnswering) resolve();
  };

  const handle = async (exchange: Exchange, unmetExpectation: boolean): Promise<void> => {
    const { request, response } = exchange;
    if (unmetExpectation) {
      // A client that expects something may hold its body back until told, so the answer
      // cannot wait for the body; the connection closes after it, so that no unread body is
      // taken for the next request.
      response.setHeader('Connection', 'close');
      const failure = `unsupported Expect: ${request.headers.expect ?? ''}`;
      const handled = respond(response, exchange, { answer: EXPECTATION_FAILED, failure });
      logRequest(exchange, response.statusCode, handled);
      return;
    }
    const body = await readBody(request);
    if (body === 'aborted') {
      // The client is gone (or the shutdown closed its stalled connection); nothing to send,
      // only the log line.
      response.destroy();
      logRequest(exchange, 0, {
        answer: FUNCTION_ERROR,
        tenantForLog: rawHeaderValues(request.rawHeaders, TENANT_HEADER).at(-1),
        failure: closing
          ? 'connection closed by the shutdown before the whole request arrived'
          : 'client went away before sending its whole request',
      });
      return;
    }
    exchange.phase = 'answering';
    answering += 1;
    const handled = respond(response, exchange, await answer(exchange, body));
    logRequest(exchange, response.statusCode, handled);
  };

  const serve = (request: IncomingMessage, response: ServerResponse, unmetExpectation: boolean) => {
    const exchange = exchangeOf(request, response);
    const connection = connections.get(request.socket as Socket);
    connection?.open.add(exchange);
    void exchange.settled.then(() => connection?.open.delete(exchange));
    handle(exchange, unmetExpectation)
      .catch((error: unknown) => {
        options.log(`gateway error: ${error instanceof Error ? error.message : String(error)}`);
        if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'application/json' });
        response.end(INTERNAL_SERVER_ERROR_BODY);
      })
      .finally(() => {
        if (exchange.phase === 'answering') answered();
      });
  };

  const server = createServer(
    // Node 20 answers an HTTP/1.1 request without Host with a bare 400 before any handler; the
    // admit step answers it in JSON instead.
    { requireHostHeader: false },
    (request, response) => serve(request, response, false),
  );
  // Node drops the header lines beyond 2000 by default, silently: a tenant header after them
  // would be lost. Keep them all; Node's 16 KB bound on the head (`maxHeaderSize`, answered 431
  // below) still bounds how many there can be, and the admit step applies the REST quota.
  server.maxHeadersCount = 0;
  // On the client's FIN Node ends the connection at once unless this is set, and the answers to
  // the requests that came before the FIN are lost although those requests run. With it, the
  // last answer closes the connection (lib/_http_server.js, socketOnEnd).
  // https://github.com/nodejs/node/blob/v20.20.2/lib/_http_server.js
  (server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  // An Expect other than 100-continue: by default Node answers a bare 417.
  server.on('checkExpectation', (request, response) => serve(request, response, true));

  server.on('connection', (socket: Socket) => {
    connections.set(socket, { socket, open: new Set(), refused: false });
    socket.once('close', () => connections.delete(socket));
  });

  /**
   * Answers a connection whose next request cannot be served and closes it. HTTP/1.1 answers
   * pipelined requests in order, so the requests that arrived whole before it are answered
   * first: otherwise they would run (and write) while their client only ever saw this refusal.
   * A request cut short by the bad bytes (a broken chunked body) is not waited for: it never
   * runs, and closing the connection ends it.
   */
  const refuse = (socket: Socket, answer: GatewayAnswer, why: string): void => {
    const connection = connections.get(socket);
    // The parser reports its error again for every later chunk: answer once.
    if (connection?.refused === true) return;
    if (connection !== undefined) connection.refused = true;
    options.log(`client error: ${why} (answered ${answer.statusCode})`);
    const ahead = [...(connection?.open ?? [])].filter((exchange) => exchange.request.complete);
    const write = (): void => {
      if (socket.writable) socket.end(rawAnswer(answer));
      else socket.destroy();
    };
    if (ahead.length === 0) {
      write();
      return;
    }
    const gone = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    void Promise.race([Promise.all(ahead.map((exchange) => exchange.settled)), gone]).then(write);
  };

  // Requests Node refuses before any handler sees them (a head over its 16 KB bound, bytes that
  // are not HTTP, an unknown method, a request that took longer than `requestTimeout`): by
  // default Node writes a bare status line. Answer in JSON, like every other error here.
  server.on('clientError', (error: ParseError, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    refuse(socket, parseErrorAnswer(error), error.code ?? error.message);
  });

  // CONNECT: without a listener Node closes the connection without a word. API Gateway has no
  // such method on any resource.
  server.on('connect', (request: IncomingMessage, socket: Socket) =>
    refuse(socket, MISSING_AUTHENTICATION_TOKEN, `${request.method} ${request.url}`),
  );

  const noneAnswering = (): Promise<void> =>
    answering === 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const done = (): void => {
            onNoneAnswering.delete(done);
            resolve();
          };
          onNoneAnswering.add(done);
        });

  const shutdown = async (boundMs: number): Promise<{ cutAtBound: number }> => {
    // From now on every answer closes its connection.
    closing = true;
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    // Nothing is being answered on these: idle keep-alive connections, and requests still
    // arriving (a stalled body, half the headers). Closing them loses no answer, and no client
    // can keep the shutdown waiting by sending slowly.
    for (const connection of connections.values()) {
      const busy = [...connection.open].some((exchange) => exchange.phase === 'answering');
      if (!busy) connection.socket.destroy();
    }
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<'bound'>((resolve) => {
      timer = setTimeout(() => resolve('bound'), boundMs);
    });
    const answersSent = (async (): Promise<'sent'> => {
      await noneAnswering();
      // Each answer handed to its connection: wait until it is written out (or the client gone).
      const sending = [...connections.values()].flatMap((connection) =>
        [...connection.open].filter((exchange) => exchange.phase === 'answering'),
      );
      await Promise.all(sending.map((exchange) => exchange.settled));
      return 'sent';
    })();
    const outcome = await Promise.race([answersSent, bound]);
    clearTimeout(timer);
    // Whatever is left has nothing to wait for: connections kept alive after an answer sent
    // before the shutdown, requests pipelined behind the last answer, or (at the bound) answers
    // still being computed.
    const cutAtBound = outcome === 'bound' ? connections.size : 0;
    for (const connection of connections.values()) connection.socket.destroy();
    server.closeAllConnections();
    await stopped;
    return { cutAtBound };
  };

  return { server, shutdown };
};
