output "standard_multi_tenant_api_endpoint_url" {
  description = "URL of GET /standard: no tenant isolation, one counter shared by every tenant."
  value       = "${aws_api_gateway_stage.this.invoke_url}/standard"
}

output "isolated_tenant_api_endpoint_url" {
  description = "URL of GET /isolated: send x-tenant-id (header mode) or a bearer token (jwt mode); each tenant gets its own execution environments and counter."
  value       = "${aws_api_gateway_stage.this.invoke_url}/isolated"
}

output "curl_commands" {
  description = "Ready-to-paste curl commands for both endpoints, keyed by function (standard, isolated). Header mode sends x-tenant-id; jwt mode sends Authorization: Bearer $TOKEN (see get_token_command)."
  value = {
    for key in keys(local.routes) :
    key => "curl ${local.curl_identity_option} '${aws_api_gateway_stage.this.invoke_url}/${key}'"
  }
}

output "dynamodb_table_name" {
  description = "Name of the DynamoDB table holding the counters (pk = SHARED or TENANT#<tenant id>)."
  value       = aws_dynamodb_table.counters.name
}

output "lambda_function_names" {
  description = "Lambda function names, keyed by function: standard, isolated, and authorizer whenever it runs (jwt mode, or header mode with tenant_id_authorizer)."
  value       = { for key, function in aws_lambda_function.this : key => function.function_name }
}

output "rest_api_id" {
  description = "ID of the API Gateway REST API."
  value       = aws_api_gateway_rest_api.this.id
}

output "stage_invoke_url" {
  description = "Invoke URL of the API Gateway stage (without a path)."
  value       = aws_api_gateway_stage.this.invoke_url
}

output "jwt_issuer" {
  description = "jwt mode: the issuer URL whose tokens the authorizer accepts (jwt_issuer, or the module's Cognito user pool); null in header mode."
  value       = local.jwt_issuer
}

output "cognito_user_pool_id" {
  description = "ID of the Cognito user pool the module created (jwt mode without jwt_issuer), for aws cognito-idp admin-create-user; null otherwise."
  value       = one(aws_cognito_user_pool.tenants[*].id)
}

output "cognito_app_client_id" {
  description = "ID of the app client of the module's Cognito user pool, the audience of its ID tokens; null unless the module created the pool."
  value       = one(aws_cognito_user_pool_client.cli[*].id)
}

output "get_token_command" {
  description = "jwt mode with the module's user pool: the aws CLI command that prints an ID token for a user (replace <user> and <password>), e.g. TOKEN=$(<command>); null otherwise."
  value       = local.create_user_pool ? "aws cognito-idp initiate-auth --region ${var.aws_region} --auth-flow USER_PASSWORD_AUTH --client-id ${one(aws_cognito_user_pool_client.cli[*].id)} --auth-parameters USERNAME=<user>,PASSWORD=<password> --query AuthenticationResult.IdToken --output text" : null
}

output "operations_dashboard_url" {
  description = "CloudWatch console URL of the operations dashboard (<prefix>-tenants): requests, errors, cold starts and execution environments by tenant from the functions' logs, the stage's API Gateway metrics and each function's Lambda metrics. The same queries are saved in Logs Insights under <prefix>/."
  value       = "https://${var.aws_region}.console.aws.amazon.com/cloudwatch/home?region=${var.aws_region}#dashboards/dashboard/${aws_cloudwatch_dashboard.tenants.dashboard_name}"
}
