output "standard_multi_tenant_api_endpoint_url" {
  description = "URL of GET /standard: no tenant isolation, one counter shared by every tenant."
  value       = "${aws_api_gateway_stage.this.invoke_url}/standard"
}

output "isolated_tenant_api_endpoint_url" {
  description = "URL of GET /isolated: send x-tenant-id; each tenant gets its own execution environments and counter."
  value       = "${aws_api_gateway_stage.this.invoke_url}/isolated"
}

output "curl_commands" {
  description = "Ready-to-paste curl commands for both endpoints, keyed by function (standard, isolated)."
  value = {
    for key in keys(local.routes) :
    key => "curl -H 'x-tenant-id: Tenant-1' '${aws_api_gateway_stage.this.invoke_url}/${key}'"
  }
}

output "dynamodb_table_name" {
  description = "Name of the DynamoDB table holding the counters (pk = SHARED or TENANT#<tenant id>)."
  value       = aws_dynamodb_table.counters.name
}

output "lambda_function_names" {
  description = "Lambda function names, keyed by function: standard, isolated, and authorizer when tenant_id_authorizer is on."
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
