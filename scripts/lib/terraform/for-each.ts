/**
 * Evaluates the part of a `for_each = local.functions` block that depends on the key, so
 * structural tests can assert what each function really gets. Handles the forms this module
 * uses: a whole-value `${each.value.NAME}` (replaced by the local's value) and `${each.key}`
 * inside templates. Anything else is left as its source text.
 */
import { type HclBody, type HclValue, isBody } from './hcl.js';

const WHOLE_EACH_VALUE = /^\$\{each\.value\.([A-Za-z_][A-Za-z0-9_]*)\}$/;

export const instantiate = (value: HclValue, key: string, entry: HclBody): HclValue => {
  if (typeof value === 'string') {
    const whole = WHOLE_EACH_VALUE.exec(value);
    if (whole?.[1] !== undefined) {
      const resolved = entry[whole[1]];
      if (resolved === undefined) throw new Error(`each.value.${whole[1]} is not in the local`);
      return resolved;
    }
    return value.replaceAll('${each.key}', key);
  }
  if (Array.isArray(value)) return value.map((item) => instantiate(item, key, entry));
  if (isBody(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([name, item]) => [name, instantiate(item, key, entry)]),
    );
  }
  return value;
};
