/**
 * The AWS_PROXY integration: how API Gateway turns a Lambda invoke into the client's answer —
 * the function's own response when it is a valid proxy result, API Gateway's error answers for
 * everything else, and the integration timeout around it all.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html
 */
import type { FunctionKey } from '../lambda/functions.js';
import type { LambdaInvokeOutcome, LambdaService } from '../lambda/service.js';
import {
  FUNCTION_ERROR,
  type GatewayAnswer,
  INTEGRATION_TIMEOUT,
  INVOKE_REJECTED,
} from './answers.js';
import { type HttpAnswer, toHttpAnswer } from './proxy-result.js';

/** What the gateway sends back, and what the request log says about it. */
export interface IntegrationResult {
  answer: HttpAnswer | GatewayAnswer;
  /** The environment that served the invoke, if one did. */
  environmentId?: string;
  cold?: boolean;
  /** Why the answer is an error, for the request log (never sent to the client). */
  failure?: string;
}

const integrationResult = (outcome: LambdaInvokeOutcome): IntegrationResult => {
  switch (outcome.kind) {
    case 'rejected':
      return { answer: INVOKE_REJECTED, failure: outcome.failure };
    case 'failed': {
      const { environmentId, cold, failure } = outcome;
      return { answer: FUNCTION_ERROR, environmentId, cold, failure };
    }
    case 'function-error': {
      const { environmentId, cold } = outcome;
      const failure = `${outcome.errorType}: ${outcome.errorMessage}`;
      return { answer: FUNCTION_ERROR, environmentId, cold, failure };
    }
    case 'result': {
      const { environmentId, cold } = outcome;
      const answer = toHttpAnswer(outcome.value);
      return answer === undefined
        ? {
            answer: FUNCTION_ERROR,
            environmentId,
            cold,
            failure: 'malformed Lambda proxy response',
          }
        : { answer, environmentId, cold };
    }
  }
};

/**
 * Invokes a route's function and answers as API Gateway would, or with INTEGRATION_TIMEOUT once
 * `timeoutMs` has passed. `tenantId` is the `X-Amz-Tenant-Id` the integration sends.
 *
 * At the timeout the invoke is cancelled. An invoke still queued for an environment (behind the
 * local environment cap) then never runs: otherwise it would run later and write, although the
 * client was told that its request failed. AWS has no such queue, it would have started an
 * environment at once. An invoke that already runs in an environment is not stopped, as in AWS:
 * API Gateway's timeout ends the wait for the answer, not the Lambda invocation, which runs to
 * its end (or to the function timeout) and whose result is dropped.
 */
export const invokeIntegration = async (
  lambda: LambdaService,
  functionKey: FunctionKey,
  tenantId: string | undefined,
  event: unknown,
  timeoutMs: number,
): Promise<IntegrationResult> => {
  let timer: NodeJS.Timeout | undefined;
  const cancel = new AbortController();
  const timedOut = new Promise<IntegrationResult>((resolve) => {
    timer = setTimeout(() => {
      // The answer first, so that it wins the race over the cancelled invoke's own outcome.
      resolve({ answer: INTEGRATION_TIMEOUT, failure: 'integration timeout' });
      cancel.abort();
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      lambda.invoke(functionKey, tenantId, event, cancel.signal).then(integrationResult),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
};
