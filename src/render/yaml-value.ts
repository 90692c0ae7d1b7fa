// Emit any value as a YAML scalar or flow collection that cannot break the surrounding document.
// JSON is a subset of YAML 1.2 flow syntax: a double-quoted JSON string can hold `a: b`, quotes, `{{y}}`,
// `#z` or a newline without ending the scalar, starting a comment or injecting a key.

export function yamlValue(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      // Escape U+2028/2029 too: YAML treats them as line breaks inside a flow scalar.
      return JSON.stringify(value)
        .replace(/\u2028/g, '\\u2028')
        .replace(/\u2029/g, '\\u2029');
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`cannot write ${value} to YAML`);
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (Array.isArray(value)) return `[${value.map(yamlValue).join(', ')}]`;
      return `{${Object.entries(value as Record<string, unknown>)
        .map(([k, v]) => `${yamlValue(k)}: ${yamlValue(v)}`)
        .join(', ')}}`;
    default:
      throw new Error(`cannot write a ${typeof value} to YAML`);
  }
}
