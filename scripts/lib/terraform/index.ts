/**
 * The offline Terraform checks in one import, for structural tests:
 *
 *   import { loadModule, validateDirectory, formatProblemsInDir } from '../../scripts/lib/terraform/index.js';
 *   const mod = await loadModule(REPO_ROOT);          // parsed module (see module.ts)
 *   expect(await validateDirectory(REPO_ROOT)).toEqual([]);   // terraform validate, offline
 *   expect(await formatProblemsInDir(REPO_ROOT)).toEqual([]); // terraform fmt -check, offline
 *   referencesIn(mod.outputs.rest_api_id.body.value)  // references in one expression
 */
export { type Reference, referencesIn, referenceText } from './expressions.js';
export {
  blockBodies,
  formatProblems,
  formatProblemsInDir,
  isBody,
  listTfFiles,
  parseTf,
} from './hcl.js';
export { loadModule, type Module, type TypedBlock } from './module.js';
export { loadSchema, type Schema } from './schema.js';
export { checkModule, validateDirectory } from './schema-check.js';
