/**
 * Which provider packages the schema snapshot is generated from, and the types it must hold at
 * the least (the script adds any other type the top-level *.tf files use). Shared with
 * test/terraform/schema-snapshot.test.ts, which checks the committed snapshot holds them all.
 */
export interface ProviderSpec {
  /** Local name and type prefix, e.g. aws (aws_lambda_function). */
  name: string;
  /** npm spec; aws is pinned to the release built from hashicorp/aws 6.66.0. */
  npmSpec: string;
  resources: string[];
  dataSources: string[];
}

export const providers: ProviderSpec[] = [
  {
    name: 'aws',
    npmSpec: '@cdktn/provider-aws@25.7.0',
    resources: [
      'aws_dynamodb_table',
      'aws_iam_role',
      'aws_iam_role_policy',
      'aws_iam_role_policy_attachment',
      'aws_cloudwatch_log_group',
      'aws_lambda_function',
      'aws_lambda_permission',
      'aws_api_gateway_rest_api',
      'aws_api_gateway_resource',
      'aws_api_gateway_method',
      'aws_api_gateway_method_response',
      'aws_api_gateway_integration',
      'aws_api_gateway_integration_response',
      'aws_api_gateway_request_validator',
      'aws_api_gateway_deployment',
      'aws_api_gateway_stage',
      'aws_api_gateway_method_settings',
      'aws_api_gateway_gateway_response',
      'aws_api_gateway_authorizer',
      'aws_api_gateway_account',
      'aws_cognito_user_pool',
      'aws_cognito_user_pool_client',
      'aws_cloudwatch_query_definition',
      'aws_cloudwatch_dashboard',
    ],
    dataSources: ['aws_iam_policy_document', 'aws_caller_identity', 'aws_region', 'aws_partition'],
  },
  {
    name: 'archive',
    // Unpinned on purpose: the latest release; the snapshot records which one it was.
    npmSpec: '@cdktn/provider-archive',
    resources: [],
    dataSources: ['archive_file'],
  },
];
