// JSON with every object's keys in code-unit order, the form a deployment hash is taken over.
// Leaves out what plain JSON cannot hold (bigint throws, as JSON.stringify does; cycles overflow).

/**
 * The same text as `JSON.stringify(value, replacer)` with a replacer that sorts each object's keys,
 * written out directly: that replacer built a sorted copy of every object, and hashing the
 * deployment documents was the largest single cost of placing a deployment.
 */
export function canonicalJson(value: unknown): string | undefined {
  return write(value);
}

function write(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += write(value[i]) ?? 'null';
    }
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const key of sortedKeys(record)) {
    const text = write(record[key]);
    if (text === undefined) continue;
    out += (first ? '' : ',') + JSON.stringify(key) + ':' + text;
    first = false;
  }
  return out + '}';
}

/**
 * The order the replacer's sorted copy enumerated in: an object lists array-index keys first, in
 * numeric order, whatever order they were inserted in; the other keys follow in code-unit order.
 * Object.keys already gives the index keys first and ascending, so only the rest is sorted.
 */
function sortedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  let indexKeys = 0;
  while (indexKeys < keys.length && isArrayIndex(keys[indexKeys]!)) indexKeys++;
  if (indexKeys === 0) return keys.sort(codeUnitOrder);
  return [...keys.slice(0, indexKeys), ...keys.slice(indexKeys).sort(codeUnitOrder)];
}

function isArrayIndex(key: string): boolean {
  return /^(?:0|[1-9]\d*)$/.test(key) && Number(key) < 2 ** 32 - 1;
}

function codeUnitOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
