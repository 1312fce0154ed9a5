/**
 * Just enough of IAM's condition evaluation to test our DynamoDB conditions offline:
 * `ForAllValues:StringEquals` / `ForAllValues:StringLike` on `dynamodb:LeadingKeys`, with
 * `${aws:PrincipalTag/<key>}` policy variables. (The embedded store cannot enforce IAM, so this
 * is where "a bug that computes another tenant's key is denied" is proved.)
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
 */
export interface Condition {
  test: string;
  values: string[];
}

const substitute = (pattern: string, principalTags: Record<string, string>): string | undefined => {
  let missing = false;
  const value = pattern.replace(/\$\{aws:PrincipalTag\/([^}]+)\}/g, (_match, key: string) => {
    const tag = principalTags[key];
    if (tag === undefined) missing = true;
    return tag ?? '';
  });
  return missing ? undefined : value;
};

const like = (pattern: string, value: string): boolean => {
  const regex = pattern
    .split('*')
    .map((part) =>
      part
        .split('?')
        .map((p) => p.replace(/[.+^${}()|[\]\\]/g, '\\$&'))
        .join('.'),
    )
    .join('.*');
  return new RegExp(`^${regex}$`).test(value);
};

/** True when every key in the request satisfies the condition (ForAllValues). */
export const allowsKeys = (
  condition: Condition,
  keys: string[],
  principalTags: Record<string, string> = {},
): boolean => {
  const patterns = condition.values
    .map((value) => substitute(value, principalTags))
    .filter((value): value is string => value !== undefined);
  const matches =
    condition.test === 'ForAllValues:StringEquals'
      ? (key: string) => patterns.includes(key)
      : condition.test === 'ForAllValues:StringLike'
        ? (key: string) => patterns.some((pattern) => like(pattern, key))
        : undefined;
  if (!matches) throw new Error(`unsupported condition operator ${condition.test}`);
  return keys.every(matches);
};

/** Renders an HCL string as IAM will see it: `${local.x}` filled in, `$${` unescaped. */
export const renderHcl = (value: string, locals: Record<string, string>): string =>
  value
    .replace(/(?<!\$)\$\{local\.(\w+)\}/g, (_match, name: string) => {
      const local = locals[name];
      if (local === undefined) throw new Error(`local.${name} is not declared`);
      return local;
    })
    .replaceAll('$${', '${');
