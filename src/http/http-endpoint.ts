import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { log } from '../log.js';
import { isHttpError, MethodNotAllowedError } from './errors.js';
import { jsonResponse } from './json-response.js';
import { assertRestProxyEvent } from './rest-event.js';

export type EndpointLogic = (
  event: APIGatewayProxyEvent,
  context: Context,
) => Promise<APIGatewayProxyResult>;

export type LambdaHandler = (event: unknown, context: Context) => Promise<APIGatewayProxyResult>;

const ALLOWED_METHODS = ['GET'] as const;

const INTERNAL_ERROR_BODY = { error: 'InternalServerError', message: 'Internal server error' };

/**
 * Wraps an endpoint's logic in the parts both functions share: the event must be a REST proxy
 * event (400 otherwise), the method must be GET (405 with `Allow`), typed HTTP errors become
 * their JSON answers, and anything else is logged (one structured ERROR line) and answered with
 * a generic 500 — no stack, no SDK message.
 */
export const httpEndpoint =
  (logic: EndpointLogic): LambdaHandler =>
  async (event, context) => {
    try {
      const request = assertRestProxyEvent(event);
      if (!(ALLOWED_METHODS as readonly string[]).includes(request.httpMethod)) {
        throw new MethodNotAllowedError(ALLOWED_METHODS);
      }
      return await logic(request, context);
    } catch (error) {
      if (isHttpError(error)) {
        return jsonResponse(
          error.statusCode,
          { error: error.code, message: error.message },
          error.headers,
        );
      }
      log('ERROR', {
        message: 'Request failed',
        errorName: error instanceof Error ? error.name : typeof error,
        errorMessage: error instanceof Error ? error.message : String(error),
      });
      return jsonResponse(500, INTERNAL_ERROR_BODY);
    }
  };
