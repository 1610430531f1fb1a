// The installed binary as a user runs it, where the process boundary is the point: exit statuses,
// stdout and stderr kept apart, a closed pipe, and which modules each command loads (the compiled
// CLI loads a command's work only when that command runs).
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtBinary, repoRoot, spawnCli, stackFrame } from '../helpers/cli.js';

test('version: exit 0, the version on stdout, nothing on stderr; --json is one document', async (t) => {
  const plain = await spawnCli(['version']);
  t.is(plain.code, 0, plain.stderr);
  t.regex(plain.stdout, /^zos-testbed \d+\.\d+\.\d+ \(node v\d+/);
  t.is(plain.stderr, '');
  const json = await spawnCli(['version', '--json']);
  t.like(JSON.parse(json.stdout), { name: 'zos-testbed', node: process.version });
});

test('bad input: exit 2, stdout empty, the flag named on stderr, no stack trace', async (t) => {
  const r = await spawnCli(['validate', 'mm1', '--lambda', 'two', '--mu', '1']);
  t.is(r.code, 2);
  t.is(r.stdout, '');
  t.regex(r.stderr, /--lambda/);
  t.notRegex(r.stderr, stackFrame);
});

test('a reporting command keeps stdout for its one JSON document and progress for stderr', async (t) => {
  const r = await spawnCli(['validate', 'mm1', '--lambda', '0.5', '--mu', '1', '--customers', '20000', '--seed', '3', '--json']);
  t.is(r.code, 0, r.stderr);
  t.true('measured' in (JSON.parse(r.stdout) as object));
  t.regex(r.stderr, /^seed: 3\n/);
});

test('a reader that closes the pipe early is not an error', async (t) => {
  const child = spawn(process.execPath, [builtBinary(), 'help'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  t.is(code, 0, stderr);
  t.is(stderr, '');
});

/** The packages and our own modules (`sim/engine/simulation.js`) a command line loads, seen by a module-load hook. */
async function loads(argv: readonly string[]): Promise<{ packages: Set<string>; modules: string[] }> {
  // The hook runs in Node's loader thread and reports each URL on stderr, which the command never
  // uses for the lines we match.
  const hook = `export async function load(url, context, next) { process._rawDebug('LOADED ' + url); return next(url, context); }`;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
  const child = spawn(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, builtBinary(), ...argv], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise((resolve) => child.once('close', resolve));
  const urls = [...stderr.matchAll(/^LOADED (\S+)$/gm)].map((m) => m[1]!);
  const packages = new Set(urls.flatMap((url) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? []));
  const modules = urls.flatMap((url) => /\/dist\/(.+)$/.exec(url)?.[1] ?? []);
  return { packages, modules };
}

// The work of any command sits behind one of these: the engine, the scheduler's Testbed, the reports.
const heavy = /^(sim\/engine\/|scheduler\/testbed\.js|reports\/index\.js|workers\/handlers\/)/;

test('help and version load no package and none of the engine, scheduler or reports', async (t) => {
  for (const argv of [['version'], ['help'], ['help', 'run']]) {
    const { packages, modules } = await loads(argv);
    t.deepEqual([...packages], [], argv.join(' '));
    t.deepEqual(modules.filter((m) => heavy.test(m)), [], argv.join(' '));
    // One spec module per command (16) plus the parser, output and help: about 40; 45 leaves room for a few more commands, not for an engine.
    t.true(modules.length < 45, `${argv.join(' ')} loaded ${modules.length} modules of ours`);
  }
});

test('each command loads what it needs: BullMQ only for a queue, Ink and React only for the TUI', async (t) => {
  const simulated = await loads(['apply', 'scenarios/ops/faults.json', '--transport', 'inprocess']);
  t.true(simulated.modules.includes('scheduler/testbed.js'));
  for (const pkg of ['bullmq', 'ioredis', 'ink', 'react']) t.false(simulated.packages.has(pkg), `apply inprocess loaded ${pkg}`);
  const outDir = mkdtempSync(join(tmpdir(), 'binary-sweep-'));
  t.teardown(() => rmSync(outDir, { recursive: true, force: true }));
  const sweep = await loads(['sweep', 'farm-partition', '--param', 'durationS=1h', '--seeds', '1', '--workers', '1', '--out', outDir]);
  t.true(sweep.modules.includes('scenarios/sweep-pool.js'));
  for (const pkg of ['bullmq', 'ioredis', 'ink', 'react']) t.false(sweep.packages.has(pkg), `a local sweep loaded ${pkg}`);
  const validation = await loads(['validate', 'mm1', '--lambda', '0.5', '--mu', '1', '--customers', '1000']);
  t.deepEqual([...validation.packages], ['seedrandom']);
});
