/**
 * Runs in each test worker before its test file: points the SDK at the embedded store through
 * its standard `AWS_ENDPOINT_URL_DYNAMODB` setting — the same code path as in AWS, no branch in
 * src/ — and gives it a region and dummy credentials (dynalite does not check signatures).
 */
import { inject } from 'vitest';

process.env.AWS_ENDPOINT_URL_DYNAMODB = inject('dynamodbEndpoint');
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';

// The SDK warns once per process that its 2027 releases will need Node 22. Lambda runs 22+;
// this machine runs 20, so the warning is expected here and would only bury real output.
const defaultWarningListeners = process.listeners('warning');
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.message.includes('NodeVersionSupportWarning')) return;
  for (const listener of defaultWarningListeners) listener(warning);
});
