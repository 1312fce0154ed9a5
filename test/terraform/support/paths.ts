import { fileURLToPath } from 'node:url';

/** The repository root: the Terraform root module lives in its top-level *.tf files. */
export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
