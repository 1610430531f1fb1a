// Static deployment validation: the real example, one rejection per rule naming workload and field,
// a valid document per workload type, and that no JSON value makes the validator throw.
// Leaves out the command line (test/cli/validate-deployment.test.ts) and anything node-side at runtime.

import test from 'ava';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { minRootSizeBytes, validateDeployment } from '../../sim/grid/deployment-validate.js';
import { workloadTypes } from '../../sim/grid/deployment.js';
import { projectPath } from '../../sim/project-files.js';
import { fcParams } from '../helpers/fc-params.js';

type Doc = Record<string, any>;

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const examplePath = projectPath('data/examples/deployment-zmount-network-zmachine.json');
const example = (): Doc => JSON.parse(readFileSync(examplePath, 'utf8'));

const workload = (name: string, type: string, data: unknown) => ({ version: 0, name, type, data, metadata: '', description: '' });

/** A valid document holding one workload of every type, wired to each other as zos expects. */
function everyType(): Doc {
  const backend = { address: '[2a02::1]:9900', namespace: 'ns', password: 'p' };
  return {
    version: 0,
    twin_id: 49,
    contract_id: 0,
    metadata: '',
    description: '',
    workloads: [
      workload('disk', 'zmount', { size: 10 * GiB }),
      workload('vol', 'volume', { size: GiB }),
      workload('net', 'network', {
        ip_range: '10.240.0.0/16',
        subnet: '10.240.1.0/24',
        wireguard_private_key: 'key=',
        wireguard_listen_port: 7821,
        peers: [{ subnet: '10.240.2.0/24', wireguard_public_key: 'pub=', allowed_ips: ['10.240.2.0/24', '100.64.240.2/32'], endpoint: '' }],
        mycelium: { hex_key: 'ab'.repeat(32), peers: [] },
      }),
      workload('db', 'zdb', { size: GiB, mode: 'seq', password: 'secret', public: false }),
      workload('fs', 'qsfs', {
        cache: GiB,
        config: { minimal_shards: 2, expected_shards: 4, redundant_groups: 0, redundant_nodes: 0, max_zdb_data_dir_size: 512, groups: [{ backends: [backend] }] },
      }),
      workload('pub', 'ip', { v4: true, v6: false }),
      workload('old', 'ipv4', {}),
      workload('vm', 'zmachine', {
        flist: 'https://hub.grid.tf/tf-official-apps/base:latest.flist',
        size: 0,
        compute_capacity: { cpu: 2, memory: 4 * GiB },
        mounts: [{ name: 'disk', mountpoint: '/disk' }, { name: 'vol', mountpoint: '/vol' }, { name: 'fs', mountpoint: '/qsfs' }],
        network: { public_ip: 'pub', planetary: true, mycelium: { network: 'net', hex_seed: 'a1b2c3d4e5f6' }, interfaces: [{ network: 'net', ip: '10.240.1.5' }] },
      }),
      workload('gwname', 'gateway-name-proxy', { name: 'my-site_1', tls_passthrough: false, backends: ['http://10.240.1.5:8080'], network: 'net' }),
      workload('gwfqdn', 'gateway-fqdn-proxy', { fqdn: 'site.example.com', tls_passthrough: true, backends: ['[2a02::5]:443'] }),
      workload('logs', 'zlogs', { zmachine: 'vm', output: 'wss://logs.example.com/vm' }),
    ],
  };
}

function find(doc: Doc, name: string): Doc {
  return doc['workloads'].find((w: Doc) => w['name'] === name);
}

/** Applies `change` to a fresh valid document and returns the validation. */
function broken(change: (doc: Doc) => void) {
  const doc = everyType();
  change(doc);
  return validateDeployment(doc);
}

test('the real example is rejected naming the zmachine and its size; with size 0 it is valid', (t) => {
  const rejected = validateDeployment(example());
  t.false(rejected.valid);
  t.deepEqual(rejected.errors.map((e) => [e.workload, e.field]), [['testzmachine', 'size']]);
  const fixed = example();
  find(fixed, 'testzmachine')['data']['size'] = 0;
  t.deepEqual(validateDeployment(fixed), { valid: true, errors: [] });
});

test('a document with every workload type, correctly wired, is valid', (t) => {
  t.deepEqual(validateDeployment(everyType()), { valid: true, errors: [] });
});

test('each type alone (with what it references) is valid', (t) => {
  const needs: Record<string, string[]> = { zmachine: ['disk', 'vol', 'fs', 'pub', 'net'], zlogs: ['vm', 'disk', 'vol', 'fs', 'pub', 'net'] };
  for (const type of workloadTypes) {
    const doc = everyType();
    const own = doc['workloads'].filter((w: Doc) => w['type'] === type);
    const deps = doc['workloads'].filter((w: Doc) => (needs[type] ?? []).includes(w['name']));
    doc['workloads'] = [...deps, ...own];
    t.deepEqual(validateDeployment(doc).errors, [], type);
  }
});

test('the root size minimum is 500 MiB under 8 GiB of cpu×memory and 2 GiB from there', (t) => {
  t.is(minRootSizeBytes(1, 2 * GiB), 500 * MiB);
  t.is(minRootSizeBytes(3, 2 * GiB), 500 * MiB);
  t.is(minRootSizeBytes(4, 2 * GiB), 2 * GiB);
  t.is(minRootSizeBytes(1, 8 * GiB), 2 * GiB);
  const small = (size: number) => (d: Doc) => Object.assign(find(d, 'vm')['data'], { size, compute_capacity: { cpu: 1, memory: 2 * GiB } });
  t.true(broken(small(500 * MiB)).valid);
  t.false(broken(small(500 * MiB - 1)).valid);
  // The shared machine has 2 vCPUs × 4 GiB = 8 GiB of cpu×memory, so it needs 2 GiB.
  t.true(broken((d) => (find(d, 'vm')['data']['size'] = 2 * GiB)).valid);
  t.false(broken((d) => (find(d, 'vm')['data']['size'] = 2 * GiB - 1)).valid);
});

/** One row per rule: the change that breaks it, and the workload and field the error must name. */
const rules: [string, (d: Doc) => void, string, string][] = [
  // deployment level and envelope (workload "", path from the root)
  ['twin_id missing', (d) => delete d['twin_id'], '', 'twin_id'],
  ['deployment version negative', (d) => (d['version'] = -1), '', 'version'],
  ['workloads not an array', (d) => (d['workloads'] = {}), '', 'workloads'],
  ['workload not an object', (d) => d['workloads'].push(7), '', 'workloads[11]'],
  ['name with a dash', (d) => (find(d, 'db')['name'] = 'my-db'), '', 'workloads[3].name'],
  ['name empty', (d) => (find(d, 'db')['name'] = ''), '', 'workloads[3].name'],
  ['name of 37 chars', (d) => (find(d, 'db')['name'] = 'a'.repeat(37)), '', 'workloads[3].name'],
  ['name reserved', (d) => (find(d, 'db')['name'] = 'ygg'), '', 'workloads[3].name'],
  ['name duplicated', (d) => (find(d, 'old')['name'] = 'db'), '', 'workloads[6].name'],
  ['unknown type', (d) => (find(d, 'db')['type'] = 'vm'), '', 'workloads[3].type'],
  ['workload version not an integer', (d) => (find(d, 'db')['version'] = 0.5), '', 'workloads[3].version'],
  ['workload version above the deployment', (d) => (find(d, 'db')['version'] = 1), '', 'workloads[3].version'],
  ['data missing', (d) => delete find(d, 'db')['data'], '', 'workloads[3].data'],
  // zmachine
  ['flist missing', (d) => delete find(d, 'vm')['data']['flist'], 'vm', 'flist'],
  ['flist not a URL', (d) => (find(d, 'vm')['data']['flist'] = 'base.flist'), 'vm', 'flist'],
  ['cpu 0', (d) => (find(d, 'vm')['data']['compute_capacity']['cpu'] = 0), 'vm', 'compute_capacity.cpu'],
  ['memory under 250 MiB', (d) => (find(d, 'vm')['data']['compute_capacity']['memory'] = 250 * MiB - 1), 'vm', 'compute_capacity.memory'],
  ['compute_capacity missing', (d) => delete find(d, 'vm')['data']['compute_capacity'], 'vm', 'compute_capacity'],
  ['root size under the minimum', (d) => (find(d, 'vm')['data']['size'] = 1), 'vm', 'size'],
  ['root size negative', (d) => (find(d, 'vm')['data']['size'] = -1), 'vm', 'size'],
  ['no interface', (d) => (find(d, 'vm')['data']['network']['interfaces'] = []), 'vm', 'network.interfaces'],
  ['two interfaces', (d) => find(d, 'vm')['data']['network']['interfaces'].push({ network: 'net', ip: '10.240.1.6' }), 'vm', 'network.interfaces'],
  ['interface on a reserved network', (d) => (find(d, 'vm')['data']['network']['interfaces'][0]['network'] = 'ygg'), 'vm', 'network.interfaces[0].network'],
  ['interface on a non-network workload', (d) => (find(d, 'vm')['data']['network']['interfaces'][0]['network'] = 'db'), 'vm', 'network.interfaces[0].network'],
  ['network missing', (d) => delete find(d, 'vm')['data']['network'], 'vm', 'network'],
  ['mount of a missing workload', (d) => (find(d, 'vm')['data']['mounts'][0]['name'] = 'nope'), 'vm', 'mounts[0].name'],
  ['mount of a zdb', (d) => (find(d, 'vm')['data']['mounts'][1]['name'] = 'db'), 'vm', 'mounts[1].name'],
  ['public_ip of a missing workload', (d) => (find(d, 'vm')['data']['network']['public_ip'] = 'nope'), 'vm', 'network.public_ip'],
  ['public_ip of a non-ip workload', (d) => (find(d, 'vm')['data']['network']['public_ip'] = 'disk'), 'vm', 'network.public_ip'],
  ['mycelium seed of 5 bytes', (d) => (find(d, 'vm')['data']['network']['mycelium']['hex_seed'] = 'a1b2c3d4e5'), 'vm', 'network.mycelium.hex_seed'],
  // zmount / volume
  ['zmount size 0', (d) => (find(d, 'disk')['data']['size'] = 0), 'disk', 'size'],
  ['volume size missing', (d) => delete find(d, 'vol')['data']['size'], 'vol', 'size'],
  // network
  ['ip_range empty', (d) => (find(d, 'net')['data']['ip_range'] = ''), 'net', 'ip_range'],
  ['ip_range not a CIDR', (d) => (find(d, 'net')['data']['ip_range'] = '10.1.0.0'), 'net', 'ip_range'],
  ['subnet missing', (d) => delete find(d, 'net')['data']['subnet'], 'net', 'subnet'],
  ['subnet IPv6', (d) => (find(d, 'net')['data']['subnet'] = 'fd00::/64'), 'net', 'subnet'],
  ['private key empty', (d) => (find(d, 'net')['data']['wireguard_private_key'] = ''), 'net', 'wireguard_private_key'],
  ['listen port too high', (d) => (find(d, 'net')['data']['wireguard_listen_port'] = 70000), 'net', 'wireguard_listen_port'],
  ['peer without subnet', (d) => delete find(d, 'net')['data']['peers'][0]['subnet'], 'net', 'peers[0].subnet'],
  ['peer without key', (d) => (find(d, 'net')['data']['peers'][0]['wireguard_public_key'] = ''), 'net', 'peers[0].wireguard_public_key'],
  ['peer without allowed ips', (d) => (find(d, 'net')['data']['peers'][0]['allowed_ips'] = []), 'net', 'peers[0].allowed_ips'],
  ['network mycelium key of 31 bytes', (d) => (find(d, 'net')['data']['mycelium']['hex_key'] = 'ab'.repeat(31)), 'net', 'mycelium.hex_key'],
  ['network mycelium custom peers', (d) => (find(d, 'net')['data']['mycelium']['peers'] = ['tcp://1.2.3.4:9651']), 'net', 'mycelium.peers'],
  // zdb
  ['zdb size 0', (d) => (find(d, 'db')['data']['size'] = 0), 'db', 'size'],
  ['zdb mode unknown', (d) => (find(d, 'db')['data']['mode'] = 'direct'), 'db', 'mode'],
  ['zdb password not a string', (d) => (find(d, 'db')['data']['password'] = 42), 'db', 'password'],
  // qsfs
  ['qsfs minimal above expected', (d) => (find(d, 'fs')['data']['config']['minimal_shards'] = 5), 'fs', 'config.minimal_shards'],
  ['qsfs config missing', (d) => delete find(d, 'fs')['data']['config'], 'fs', 'config'],
  // ip
  ['ip with neither v4 nor v6', (d) => (find(d, 'pub')['data'] = { v4: false, v6: false }), 'pub', 'v4'],
  // gateways
  ['gateway name with a dot', (d) => (find(d, 'gwname')['data']['name'] = 'my.site'), 'gwname', 'name'],
  ['gateway with no backend', (d) => (find(d, 'gwfqdn')['data']['backends'] = []), 'gwfqdn', 'backends'],
  ['gateway backend https', (d) => (find(d, 'gwname')['data']['backends'] = ['https://10.0.0.2']), 'gwname', 'backends[0]'],
  ['gateway backend a host name', (d) => (find(d, 'gwname')['data']['backends'] = ['http://example.com']), 'gwname', 'backends[0]'],
  ['gateway backend loopback', (d) => (find(d, 'gwname')['data']['backends'] = ['http://127.0.0.1:80']), 'gwname', 'backends[0]'],
  ['passthrough backend without port', (d) => (find(d, 'gwfqdn')['data']['backends'] = ['10.0.0.2']), 'gwfqdn', 'backends[0]'],
  ['passthrough backend as a URL', (d) => (find(d, 'gwfqdn')['data']['backends'] = ['http://10.0.0.2:443']), 'gwfqdn', 'backends[0]'],
  ['fqdn without a dot', (d) => (find(d, 'gwfqdn')['data']['fqdn'] = 'localhost'), 'gwfqdn', 'fqdn'],
  ['fqdn with a one-letter top level', (d) => (find(d, 'gwfqdn')['data']['fqdn'] = 'site.example.c'), 'gwfqdn', 'fqdn'],
  // zlogs
  ['zlogs of a missing zmachine', (d) => (find(d, 'logs')['data']['zmachine'] = 'nope'), 'logs', 'zmachine'],
  ['zlogs of a non-zmachine', (d) => (find(d, 'logs')['data']['zmachine'] = 'db'), 'logs', 'zmachine'],
  ['zlogs output http', (d) => (find(d, 'logs')['data']['output'] = 'http://logs.example.com'), 'logs', 'output'],
];

for (const [rule, change, name, field] of rules) {
  test(`rejected: ${rule}`, (t) => {
    const result = broken(change);
    t.false(result.valid);
    t.true(result.errors.some((e) => e.workload === name && e.field === field), JSON.stringify(result.errors));
  });
}

test('a public ip used by two zmachines is reported on the second', (t) => {
  const result = broken((d) => {
    const second = structuredClone(find(d, 'vm'));
    second['name'] = 'vm2';
    d['workloads'].push(second);
  });
  t.deepEqual(result.errors.map((e) => [e.workload, e.field]), [['vm2', 'network.public_ip']]);
});

test('a gateway with several backends is accepted, as zosbase gw.go accepts it; a bad one is named by index', (t) => {
  t.true(broken((d) => find(d, 'gwname')['data']['backends'].push('http://10.0.0.2', 'http://10.0.0.3:81')).valid);
  const result = broken((d) => find(d, 'gwname')['data']['backends'].push('http://10.0.0.2', 'https://10.0.0.3'));
  t.deepEqual(result.errors.map((e) => [e.workload, e.field]), [['gwname', 'backends[2]']]);
});

test('a network named but not in this deployment is accepted, since networks are shared across deployments', (t) => {
  t.true(broken((d) => (find(d, 'vm')['data']['network']['interfaces'][0]['network'] = 'othernet')).valid);
});

test('every error is collected, not just the first', (t) => {
  const result = broken((d) => {
    find(d, 'disk')['data']['size'] = 0;
    find(d, 'db')['data']['mode'] = 'x';
    find(d, 'vm')['data']['compute_capacity']['cpu'] = 0;
  });
  t.deepEqual(result.errors.map((e) => `${e.workload}.${e.field}`).sort(), ['db.mode', 'disk.size', 'vm.compute_capacity.cpu']);
});

test('non-object documents give deployment-level errors', (t) => {
  for (const doc of [null, 3, 'x', [], true]) {
    const result = validateDeployment(doc);
    t.false(result.valid);
    t.true(result.errors.every((e) => e.workload === ''));
  }
  t.true(validateDeployment({ version: 0, twin_id: 1 }).errors.some((e) => e.field === 'workloads'));
});

const wellFormed = (r: ReturnType<typeof validateDeployment>) =>
  r.valid === (r.errors.length === 0) && r.errors.every((e) => typeof e.workload === 'string' && typeof e.field === 'string' && e.message.length > 0);

test('no JSON value makes the validator throw', (t) => {
  fc.assert(fc.property(fc.jsonValue(), (doc) => wellFormed(validateDeployment(doc))), fcParams('deployment-validate #1', 100));
  t.pass();
});

test('no JSON data of any workload type makes the validator throw', (t) => {
  const anyWorkload = fc.record({ version: fc.jsonValue(), name: fc.oneof(fc.string(), fc.jsonValue()), type: fc.constantFrom(...workloadTypes), data: fc.jsonValue() });
  const docs = fc.record({ version: fc.jsonValue(), twin_id: fc.jsonValue(), workloads: fc.array(anyWorkload, { maxLength: 6 }) });
  fc.assert(fc.property(docs, (doc) => wellFormed(validateDeployment(doc))), fcParams('deployment-validate #2', 100));
  // Valid documents with single fields replaced by arbitrary JSON must not throw either.
  const paths = fc.tuple(fc.integer({ min: 0, max: 10 }), fc.string(), fc.jsonValue());
  fc.assert(
    fc.property(paths, ([index, key, value]) => {
      const doc = everyType();
      const data = doc['workloads'][index]['data'];
      const keys = Object.keys(data);
      data[keys.length > 0 && key.length % 2 === 0 ? keys[key.length % keys.length]! : key] = value;
      return wellFormed(validateDeployment(doc));
    }),
    fcParams('deployment-validate #3', 100),
  );
  t.pass();
});

// ---- zdisk: ours, not zos ----

/** everyType() plus a zdisk of k=2, m=1 over four namespaces, mounted by the zmachine. */
function withZdisk(): Doc {
  const doc = everyType();
  const backends = ['a', 'b', 'c', 'd'].map((ns, i) => ({ address: i === 0 ? '10.1.0.7:9900' : `[302::${i}]:9900`, namespace: ns, password: 'p' }));
  doc['workloads'].push(workload('zd', 'zdisk', { size: 10 * GiB, data_shards: 2, parity_shards: 1, backends }));
  find(doc, 'vm')['data']['mounts'].push({ name: 'zd', mountpoint: '/zdisk' });
  return doc;
}

test('zdisk: a zmachine may mount one, and a zdisk alone is valid', (t) => {
  t.deepEqual(validateDeployment(withZdisk()), { valid: true, errors: [] });
  const alone = withZdisk();
  alone['workloads'] = [find(alone, 'zd')];
  t.deepEqual(validateDeployment(alone), { valid: true, errors: [] });
  // Exactly k + m backends is enough, and m = 0 (no redundancy) is allowed.
  const tight = withZdisk();
  Object.assign(find(tight, 'zd')['data'], { data_shards: 4, parity_shards: 0 });
  t.true(validateDeployment(tight).valid);
});

const zdiskRules: [string, (d: Doc) => void, string][] = [
  ['size 0', (d) => (find(d, 'zd')['data']['size'] = 0), 'size'],
  ['size missing', (d) => delete find(d, 'zd')['data']['size'], 'size'],
  ['data_shards 0', (d) => (find(d, 'zd')['data']['data_shards'] = 0), 'data_shards'],
  ['data_shards fractional', (d) => (find(d, 'zd')['data']['data_shards'] = 1.5), 'data_shards'],
  ['parity_shards negative', (d) => (find(d, 'zd')['data']['parity_shards'] = -1), 'parity_shards'],
  ['parity_shards missing', (d) => delete find(d, 'zd')['data']['parity_shards'], 'parity_shards'],
  ['fewer backends than k + m', (d) => (find(d, 'zd')['data']['parity_shards'] = 3), 'backends'],
  ['backends not an array', (d) => (find(d, 'zd')['data']['backends'] = 'a,b,c'), 'backends'],
  ['backend not an object', (d) => (find(d, 'zd')['data']['backends'][1] = 'b'), 'backends[1]'],
  ['backend address a host name', (d) => (find(d, 'zd')['data']['backends'][0]['address'] = 'zdb.example.com:9900'), 'backends[0].address'],
  ['backend address without port', (d) => (find(d, 'zd')['data']['backends'][0]['address'] = '10.1.0.7'), 'backends[0].address'],
  ['backend IPv6 address without brackets', (d) => (find(d, 'zd')['data']['backends'][1]['address'] = '302::1:9900'), 'backends[1].address'],
  ['backend port above 65535', (d) => (find(d, 'zd')['data']['backends'][2]['address'] = '[302::2]:99000'), 'backends[2].address'],
  ['backend namespace empty', (d) => (find(d, 'zd')['data']['backends'][2]['namespace'] = ''), 'backends[2].namespace'],
  ['backend namespace twice', (d) => (find(d, 'zd')['data']['backends'][3]['namespace'] = 'a'), 'backends[3].namespace'],
  ['backend password not a string', (d) => (find(d, 'zd')['data']['backends'][0]['password'] = 7), 'backends[0].password'],
];

for (const [rule, change, field] of zdiskRules) {
  test(`zdisk rejected: ${rule}`, (t) => {
    const doc = withZdisk();
    change(doc);
    const result = validateDeployment(doc);
    t.false(result.valid);
    t.true(result.errors.some((e) => e.workload === 'zd' && e.field === field), JSON.stringify(result.errors));
  });
}

test('zdisk: the mount message names every mountable type, and a zdb is still not one', (t) => {
  const doc = withZdisk();
  find(doc, 'vm')['data']['mounts'][3]['name'] = 'db';
  const result = validateDeployment(doc);
  t.deepEqual(result.errors.map((e) => [e.workload, e.field]), [['vm', 'mounts[3].name']]);
  t.regex(result.errors[0]!.message, /not a zmount, volume, qsfs or zdisk/);
});
