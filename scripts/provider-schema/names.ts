/**
 * Terraform names for jsii property names.
 *
 * cdktn camelCases snake_case names (`output_base64sha256` → `outputBase64Sha256`), which
 * loses information, so names are read from docs anchors or the generated JavaScript first;
 * `snakeCase` is only the fallback.
 */

/** camelCase → snake_case, keeping digits with the word before them (`s3Bucket` → `s3_bucket`). */
export function snakeCase(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * Getter name → Terraform name, from a generated binding file. Getters read their value with
 * `this.get<Kind>Attribute('<name>')` (or `interpolationForAttribute('<name>')`), and
 * complex ones are fields built as `new <Type>(this, "<name>")`.
 */
export function getterNamesFromJs(js: string): Map<string, string> {
  const names = new Map<string, string>();
  const getters = /get (\w+)\(\) \{\s*return [^;]*?\(\s*'([a-z0-9_]+)'/g;
  for (const m of js.matchAll(getters)) {
    if (m[1] && m[2]) names.set(m[1], m[2]);
  }
  const fields = /_(\w+) = new \w+\(this, "([a-z0-9_]+)"/g;
  for (const m of js.matchAll(fields)) {
    if (m[1] && m[2] && !names.has(m[1])) names.set(m[1], m[2]);
  }
  return names;
}
