/**
 * Runs in each test worker before its test file: points the SDK at the embedded store through
 * its standard `AWS_ENDPOINT_URL_DYNAMODB` setting — the same code path as in AWS, no branch in
 * src/ — and gives it a region and dummy credentials (dynalite does not check signatures).
 */
import { inject } from 'vitest';
import { silenceSdkNodeVersionWarning } from '../src/local/lambda/sdk-node-warning.js';

process.env.AWS_ENDPOINT_URL_DYNAMODB = inject('dynamodbEndpoint');
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';

silenceSdkNodeVersionWarning();
