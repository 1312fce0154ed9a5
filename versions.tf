terraform {
  # 1.5.7 is the floor the AWS provider 6.x ecosystem settled on (terraform-aws-modules raised
  # to it with provider 6.0). This module itself needs >= 1.3 for optional() object attributes
  # and >= 1.2 for lifecycle preconditions, both covered by that floor.
  required_version = ">= 1.5.7"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # tenancy_config on aws_lambda_function arrived in 6.23.0; 7.x may break the schema.
      version = ">= 6.23.0, < 7.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = "~> 2.7"
    }
  }
}
