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

const needsEscape = /["\\\u0000-\u001f\ud800-\udfff]/;

/** Keys as JSON strings: deployments repeat a few dozen names, so each is quoted once. */
const quotedKeys = new Map<string, string>();

function write(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      // Most strings need no escape (JSON's: quote, backslash, controls, lone surrogates).
      return needsEscape.test(value) ? JSON.stringify(value) : '"' + value + '"';
    case 'number':
      // Number's own text is JSON's for every finite number; JSON writes the rest as null.
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      return JSON.stringify(value);
  }
  if (value === null) return 'null';
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return write((value as { toJSON: () => unknown }).toJSON());
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
    out += (first ? '' : ',') + quoted(key) + ':' + text;
    first = false;
  }
  return out + '}';
}

function quoted(key: string): string {
  let q = quotedKeys.get(key);
  if (q === undefined) {
    q = JSON.stringify(key);
    // Bounded: keys that are data (map-like objects) would otherwise grow it without end.
    if (quotedKeys.size < 4096) quotedKeys.set(key, q);
  }
  return q;
}

/**
 * The order the replacer's sorted copy enumerated in: an object lists array-index keys first, in
 * numeric order, whatever order they were inserted in; the other keys follow in code-unit order
 * (the default sort's order). Object.keys already gives the index keys first and ascending, so
 * only the rest is sorted.
 */
function sortedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  let indexKeys = 0;
  while (indexKeys < keys.length && isArrayIndex(keys[indexKeys]!)) indexKeys++;
  if (indexKeys === 0) return sortInPlace(keys);
  return [...keys.slice(0, indexKeys), ...keys.slice(indexKeys).sort()];
}

/**
 * The default sort's order (code units, which `<` on strings compares) by insertion in place: the
 * objects of a deployment have a handful of keys, and Array.prototype.sort's work array made the
 * hashing of documents the largest allocator of a simulated year (keys are distinct, so stability
 * does not arise). Larger objects keep the built-in sort.
 */
function sortInPlace(keys: string[]): string[] {
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

function isArrayIndex(key: string): boolean {
  const c = key.charCodeAt(0);
  return c >= 48 && c <= 57 && /^(?:0|[1-9]\d*)$/.test(key) && Number(key) < 2 ** 32 - 1;
}
