import test from 'ava';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../sim/errors.js';
import { loadProfiles, PROFILE_KINDS, type ProfileKind } from '../../sim/hardware/profiles.js';
import { projectPath } from '../../sim/project-files.js';

const shippedDir = projectPath('hardware-profiles/');

test('every shipped profile loads, by kind, with the names the brief asks for', (t) => {
  const catalog = loadProfiles();
  t.deepEqual(catalog.names('ssd'), ['nvme-980', 'nvme-980-pro', 'ssd-870-evo']);
  t.deepEqual(catalog.names('hdd'), ['hdd-exos-2x18', 'hdd-exos-x18']);
  t.deepEqual(catalog.names('nic'), ['nic-10gbe', 'nic-1gbe', 'nic-25gbe']);
  t.deepEqual(catalog.names('cpu'), ['cpu-epyc-7302', 'cpu-ryzen-5600', 'cpu-xeon-e5-2620v4']);
  t.deepEqual(catalog.names('node'), ['diy-small', 'farmer-server', 'storage-heavy']);
  for (const kind of PROFILE_KINDS) for (const name of catalog.names(kind)) t.is(catalog.kindOf(name), kind);
  t.is(loadProfiles(), catalog, 'the default catalog is loaded once');
});

test('compiled profiles are typed, frozen, and carry the AFR defaults', (t) => {
  const catalog = loadProfiles();
  const ssd = catalog.ssd('nvme-980');
  t.is(ssd.name, 'nvme-980');
  t.is(ssd.seqReadBytesPerS, 3.5e9);
  t.is(ssd.afr, 0.009);
  t.true(Object.isFrozen(ssd));
  t.is(catalog.hdd('hdd-exos-x18').afr, 0.015);
  t.is(catalog.hdd('hdd-exos-2x18').actuators, 2);
  t.deepEqual(catalog.nic('nic-1gbe'), { name: 'nic-1gbe', lineRateBitsPerS: 1e9, goodputEfficiency: 0.949, latencyS: 0.0000123 });
  t.deepEqual(Object.keys(catalog.cpu('cpu-epyc-7302')).sort(), ['clockMHz', 'cores', 'idlePowerW', 'maxPowerW', 'name', 'threadsPerCore']);
});

test('node templates resolve their device names to the compiled profiles', (t) => {
  const catalog = loadProfiles();
  const node = catalog.node('farmer-server');
  t.is(node.cpu, catalog.cpu('cpu-epyc-7302'));
  t.is(node.hdds.length, 4);
  t.is(node.hdds[0], catalog.hdd('hdd-exos-x18'));
  t.deepEqual(node.ssds.map((s) => s.name), ['nvme-980-pro', 'nvme-980-pro']);
  t.deepEqual(node.nics.map((n) => n.name), ['nic-10gbe']);
  t.true(Object.isFrozen(node) && Object.isFrozen(node.hdds));
});

test('an unknown profile name is an InputError listing the known names', (t) => {
  const catalog = loadProfiles();
  const err = t.throws(() => catalog.ssd('nvme-990'), { instanceOf: InputError })!;
  t.regex(err.message, /no ssd profile named "nvme-990"/);
  for (const name of catalog.names('ssd')) t.true(err.message.includes(name));
  t.regex(t.throws(() => catalog.ssd('hdd-exos-x18'), { instanceOf: InputError })!.message, /is a hdd profile/);
});

// ---------------------------------------------------------------------------------------------
// Bad files: a temp copy of a small valid set, with one file changed per case.

type Files = Record<string, unknown>;

function shipped(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(shippedDir, file), 'utf8')) as Record<string, unknown>;
}

function validSet(): Files {
  return {
    'nvme-980.json': shipped('nvme-980.json'),
    'hdd-exos-x18.json': shipped('hdd-exos-x18.json'),
    'nic-1gbe.json': shipped('nic-1gbe.json'),
    'cpu-ryzen-5600.json': shipped('cpu-ryzen-5600.json'),
    'nodes/diy-small.json': shipped('nodes/diy-small.json'),
  };
}

/** Writes `files` (objects as JSON, strings verbatim) to a fresh directory and loads it. */
function loadSet(t: { teardown(fn: () => void): void }, files: Files) {
  const dir = mkdtempSync(join(tmpdir(), 'zos-profiles-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'nodes'));
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return () => loadProfiles(dir);
}

function withChange(file: string, change: (raw: Record<string, unknown>) => void): Files {
  const files = validSet();
  const raw = files[file] as Record<string, unknown>;
  change(raw);
  return files;
}

test('the valid temp set loads (so the failures below come from the change alone)', (t) => {
  const catalog = loadSet(t, validSet())();
  t.is(catalog.node('diy-small').ssds[0], catalog.ssd('nvme-980'));
});

const badCases: { title: string; files: () => Files; file: string; field: string; problem: RegExp }[] = [
  {
    title: 'a missing field',
    files: () => withChange('nvme-980.json', (raw) => delete raw.capacityBytes),
    file: 'nvme-980.json',
    field: 'capacityBytes',
    problem: /is missing/,
  },
  {
    title: 'a negative number',
    files: () => withChange('hdd-exos-x18.json', (raw) => (raw.sustainedBytesPerS = -270e6)),
    file: 'hdd-exos-x18.json',
    field: 'sustainedBytesPerS',
    problem: /must be > 0, got -270000000/,
  },
  {
    title: 'zero where a count is needed',
    files: () => withChange('cpu-ryzen-5600.json', (raw) => (raw.cores = 0)),
    file: 'cpu-ryzen-5600.json',
    field: 'cores',
    problem: /whole number > 0, got 0/,
  },
  {
    title: 'a string where a number is needed',
    files: () => withChange('nic-1gbe.json', (raw) => (raw.lineRateBitsPerS = '1e9')),
    file: 'nic-1gbe.json',
    field: 'lineRateBitsPerS',
    problem: /must be a number, got "1e9"/,
  },
  {
    title: 'an efficiency above 1',
    files: () => withChange('nic-1gbe.json', (raw) => (raw.goodputEfficiency = 94.9)),
    file: 'nic-1gbe.json',
    field: 'goodputEfficiency',
    problem: /\(0, 1\]/,
  },
  {
    title: 'an unknown field (a typo)',
    files: () => withChange('nvme-980.json', (raw) => (raw.seqReadBytesPerSec = 1)),
    file: 'nvme-980.json',
    field: 'seqReadBytesPerSec',
    problem: /is not a field of a ssd profile/,
  },
  {
    title: 'a name field',
    files: () => withChange('nic-1gbe.json', (raw) => (raw.name = 'nic-1gbe')),
    file: 'nic-1gbe.json',
    field: 'name',
    problem: /file name/,
  },
  {
    title: 'an unknown kind',
    files: () => withChange('nic-1gbe.json', (raw) => (raw.kind = 'switch')),
    file: 'nic-1gbe.json',
    field: 'kind',
    problem: /must be one of ssd, hdd, nic, cpu, node, got "switch"/,
  },
  {
    title: 'an average seek outside what a rising seek curve allows',
    files: () => withChange('hdd-exos-x18.json', (raw) => (raw.avgSeekS = 0.0149)),
    file: 'hdd-exos-x18.json',
    field: 'avgSeekS',
    problem: /rises with distance/,
  },
  {
    title: 'a node naming a missing device',
    files: () => withChange('nodes/diy-small.json', (raw) => (raw.ssds = ['nvme-980', 'nvme-990'])),
    file: 'diy-small.json',
    field: 'ssds[1]',
    problem: /no ssd profile named "nvme-990" \(known ssd profiles: nvme-980\)/,
  },
  {
    title: 'a node naming a device of the wrong kind',
    files: () => withChange('nodes/diy-small.json', (raw) => (raw.ssds = ['hdd-exos-x18'])),
    file: 'diy-small.json',
    field: 'ssds[0]',
    problem: /"hdd-exos-x18" is a hdd profile, not a ssd/,
  },
  {
    title: 'a node whose cpu is missing',
    files: () => withChange('nodes/diy-small.json', (raw) => (raw.cpu = 'cpu-m1')),
    file: 'diy-small.json',
    field: 'cpu',
    problem: /no cpu profile named "cpu-m1"/,
  },
];

for (const c of badCases) {
  test(`InputError names the file and the field: ${c.title}`, (t) => {
    const err = t.throws(loadSet(t, c.files()), { instanceOf: InputError })!;
    t.true(err.where.endsWith(c.file), err.where);
    t.is(err.field, c.field);
    t.regex(err.message, c.problem);
    t.true(err.message.includes(c.file) && err.message.includes(c.field), err.message);
  });
}

test('invalid JSON is an InputError with the file and the parser message', (t) => {
  const files = validSet();
  files['nvme-980.json'] = '{ "kind": "ssd", ';
  const err = t.throws(loadSet(t, files), { instanceOf: InputError })!;
  t.true(err.where.endsWith('nvme-980.json'));
  t.regex(err.message, /invalid JSON: .+/);
});

test('a missing kind is reported as such', (t) => {
  const err = t.throws(loadSet(t, withChange('cpu-ryzen-5600.json', (raw) => delete raw.kind)), { instanceOf: InputError })!;
  t.is(err.field, 'kind');
  t.regex(err.message, /is missing/);
});

test('every kind rejects a file without its source', (t) => {
  const files: Record<ProfileKind, string> = { ssd: 'nvme-980.json', hdd: 'hdd-exos-x18.json', nic: 'nic-1gbe.json', cpu: 'cpu-ryzen-5600.json', node: 'nodes/diy-small.json' };
  for (const file of Object.values(files)) {
    const err = t.throws(loadSet(t, withChange(file, (raw) => delete raw.source)), { instanceOf: InputError })!;
    t.is(err.field, 'source', file);
  }
});
