/**
 * Reads a required environment variable. Called at module scope (the Lambda init phase), so a
 * missing value fails the environment's init loudly instead of surfacing as a 500 per request.
 */
export const requireEnv = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    throw new Error(`Environment variable ${name} must be set (Terraform sets it on the function)`);
  }
  return value;
};
