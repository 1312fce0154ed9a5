/**
 * What the Terraform tests evaluate the module with: the module itself, the two prompted
 * variables with values any deployment could give, and the basic identity setups.
 */
import { type Evaluator, moduleEvaluator } from '../../../scripts/lib/terraform/evaluate.js';
import type { HclValue } from '../../../scripts/lib/terraform/hcl.js';
import type { Module } from '../../../scripts/lib/terraform/module.js';

export const PROMPTED = { aws_region: 'us-east-1', prefix: 'acme' };

/** An evaluator of `mod` with the prompted values, the defaults and `vars`. */
export const evaluatorOf = (mod: Module, vars: Record<string, HclValue> = {}): Evaluator =>
  moduleEvaluator(mod, { ...PROMPTED, ...vars });

/** Header mode with and without the authorizer, and jwt mode with the module's user pool. */
export const BASIC_IDENTITIES: [string, Record<string, HclValue>][] = [
  ['header', { tenant_identity: 'header' }],
  [
    'header, no authorizer',
    { tenant_identity: 'header', tenant_id_authorizer: false, tenant_scoped_credentials: false },
  ],
  ['jwt', { tenant_identity: 'jwt' }],
];
