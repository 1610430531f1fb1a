// A strict reader of the Prometheus text exposition format (0.0.4), enough to check what we serve:
// every sample line is `name{label="v",…} value`, every sampled family has # HELP and # TYPE first.

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)$/;
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Every sample; throws naming the line when one is not valid exposition text. */
export function parsePromText(text: string): Sample[] {
  const typed = new Set<string>();
  const samples: Sample[] = [];
  text.split('\n').forEach((line, i) => {
    if (line === '') return;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type !== null) return void typed.add(type[1]!);
    if (line.startsWith('# HELP ')) return;
    const m = sampleLine.exec(line);
    if (m === null) throw new Error(`line ${i + 1} is not a sample: ${line}`);
    const name = m[1]!;
    const family = name.replace(/_(bucket|sum|count)$/, '');
    if (!typed.has(name) && !typed.has(family)) throw new Error(`line ${i + 1}: ${name} has no # TYPE before it`);
    const labels: Record<string, string> = {};
    for (const pair of (m[3] ?? '').matchAll(labelPair)) labels[pair[1]!] = pair[2]!;
    samples.push({ name, labels, value: Number(m[4]) });
  });
  return samples;
}

/** Sum of the samples named `name` whose labels include `match`. */
export function sumOf(samples: readonly Sample[], name: string, match: Readonly<Record<string, string>> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((total, s) => total + s.value, 0);
}
