// `validate deployment FILE` as a user runs it: exit statuses 0, 1 and 2, and what --json prints.
// Leaves out the rules themselves; test/grid/deployment-validate.test.ts covers those.

import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { projectPath } from '../../sim/project-files.js';

const example = readFileSync(projectPath('data/examples/deployment-zmount-network-zmachine.json'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'validate-deployment-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}


test('a valid document exits 0 and prints valid true with no errors', async (t) => {
  const doc = JSON.parse(example);
  doc.workloads.find((w: { type: string }) => w.type === 'zmachine').data.size = 0;
  const { code, stdout } = await cli('validate', 'deployment', file('valid.json', JSON.stringify(doc)), '--json');
  t.is(code, 0);
  t.deepEqual(JSON.parse(stdout), { valid: true, errors: [] });
});

test('the real example exits 1 and names the zmachine and its size', async (t) => {
  const { code, stdout } = await cli('validate', 'deployment', file('example.json', example), '--json');
  t.is(code, 1);
  const report = JSON.parse(stdout);
  t.false(report.valid);
  t.deepEqual(report.errors.map((e: { workload: string; field: string }) => [e.workload, e.field]), [['testzmachine', 'size']]);
});

test('without --json an invalid document prints one line per error', async (t) => {
  const { code, stdout } = await cli('validate', 'deployment', file('human.json', example));
  t.is(code, 1);
  t.regex(stdout, /^workload testzmachine: size: /m);
});

test('a file that is not JSON exits 2 naming the file and the parser message, without a stack trace', async (t) => {
  const path = file('broken.json', '{"version": 0,');
  const { code, stdout, stderr } = await cli('validate', 'deployment', path, '--json');
  t.is(code, 2);
  t.is(stdout, '');
  t.true(stderr.includes(path));
  t.regex(stderr, /not valid JSON: .+/);
  t.notRegex(stderr, /\n\s+at /);
});

test('a missing file exits 2 naming the file', async (t) => {
  const path = join(dir, 'absent.json');
  const { code, stderr } = await cli('validate', 'deployment', path);
  t.is(code, 2);
  t.true(stderr.includes(path));
  t.notRegex(stderr, /\n\s+at /);
});
