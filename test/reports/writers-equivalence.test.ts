// The hand-written CSV encoder against csv-stringify, the library the files were written with before:
// the same bytes for awkward fields, and every file of two synthetic runs re-encodes to itself; the
// fast chart coordinates against formatNumber, which wrote them before.

import test from 'ava';
import { stringify } from 'csv-stringify/sync';
import seedrandom from 'seedrandom';
import { capacityPlan } from '../../reports/capacity.js';
import { csvTable, nodesCsv, operationsCsv, summaryCsv, timeseriesCsv } from '../../reports/csv.js';
import { formatNumber } from '../../reports/format.js';
import { px } from '../../reports/html/axes.js';
import { fixtureRun } from '../helpers/reports-fixture.js';
import { handRun } from '../helpers/reports-hand-run.js';

/** What the writers wrote with before: csv-stringify, Unix line ends. */
function reference(records: readonly (readonly string[])[]): string {
  return stringify(records as string[][], { record_delimiter: 'unix' });
}

/** A strict RFC 4180 reader (quoted fields, doubled quotes, line ends inside quotes), enough to re-encode a file. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    let value = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error('unterminated quote');
        value += text.slice(i, q);
        i = q + 1;
        if (text[i] !== '"') break;
        value += '"';
        i++;
      }
    } else {
      const end = text.slice(i).search(/[,\n]/);
      value = end < 0 ? text.slice(i) : text.slice(i, i + end);
      i += value.length;
    }
    record.push(value);
    if (text[i] === ',') i++;
    else if (text[i] === '\n') {
      records.push(record);
      record = [];
      i++;
    } else if (i < text.length) throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
  }
  if (record.length > 0) records.push(record);
  return records;
}

const awkward = ['', 'plain', 'a,b', 'say "hi"', '"', '""', 'line\nbreak', 'crlf\r\n', ' lead', 'trail ', '=1+2', '-3', 'naïve ✓', ',', '\t'];

test('the encoder writes what csv-stringify writes, field by field', (t) => {
  const rows = awkward.map((a, i) => [a, awkward[(i + 3) % awkward.length]!, String(i)]);
  const columns = [0, 1, 2].map((c) => [`h${c}${c === 1 ? ',"x"' : ''}`, (r: string[]) => r[c]!] as const);
  const ours = csvTable(columns, rows);
  t.is(ours, reference([columns.map(([h]) => h), ...rows]));
  t.deepEqual(parseCsv(ours), [columns.map(([h]) => h), ...rows], 'and it reads back as written');
});

test('an empty table is its header line', (t) => {
  t.is(csvTable([['a', () => 1], ['b', () => 2]], []), reference([['a', 'b']]));
});

test('every CSV file of two synthetic runs is exactly what csv-stringify makes of its cells', (t) => {
  for (const r of [handRun(), fixtureRun({ durationS: 3 * 86400 }), fixtureRun({ seed: 'other', bucketS: 3600, durationS: 2 * 86400 })]) {
    const files = { timeseries: timeseriesCsv(r), nodes: nodesCsv(r), operations: operationsCsv(r), summary: summaryCsv(r, capacityPlan(r)) };
    for (const [name, csv] of Object.entries(files)) {
      const cells = parseCsv(csv);
      t.true(cells.length > 1, name);
      t.true(cells.every((row) => row.length === cells[0]!.length), `${name}: every row as wide as the header`);
      t.is(csv, reference(cells), name);
    }
  }
  // The fixture's scenario name has a space, '<' and '&': the summary must hold it verbatim.
  t.regex(summaryCsv(fixtureRun({ durationS: 86400 }), capacityPlan(fixtureRun({ durationS: 86400 }))), /^scenario,synthetic <fixture> & co$/m);
});

test('a lone CR stays bare and a CR LF is quoted, as csv-stringify writes them', (t) => {
  const rows = [['cr\rhere', 'crlf\r\n']];
  t.is(csvTable([['a', (r: string[]) => r[0]!], ['b', (r: string[]) => r[1]!]], rows), reference([['a', 'b'], ...rows]));
});

test('px writes the same coordinates as formatNumber of the value rounded to hundredths', (t) => {
  const rng = seedrandom.alea('px');
  const values = [0, -0, 0.004, -0.004, 0.005, 0.015, 1.005, 2.675, 99.995, 0.1, 0.3, 1e6 + 0.125, 9_999_999.994, 1e7 + 0.5, 1e9, -1e12 / 3, 123.456, -7.05];
  for (let i = 0; i < 20_000; i++) values.push((rng() - 0.3) * 10 ** Math.floor(rng() * 12 - 2));
  for (const v of values) if (px(v) !== formatNumber(Math.round(v * 100) / 100)) t.fail(`px(${v}) = ${px(v)}`);
  t.pass();
});
