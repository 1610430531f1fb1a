// Hardware profiles: the JSON files of hardware-profiles/ checked once against a hand-written schema
// and compiled into frozen, typed objects. Leaves out grid layouts and any model behaviour.

import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve as resolvePath } from 'node:path';
import { InputError } from '../errors.js';
import { projectPath } from '../project-files.js';

export const PROFILE_KINDS = ['ssd', 'hdd', 'nic', 'cpu', 'node'] as const;
export type ProfileKind = (typeof PROFILE_KINDS)[number];
type DeviceKind = Exclude<ProfileKind, 'node'>;

/** Default annualised failure rates (ANCHORS.md §5, "Suggested profile defaults"). */
export const DEFAULT_SSD_AFR = 0.009;
export const DEFAULT_HDD_AFR = 0.015;

export interface SsdProfile {
  readonly name: string;
  readonly source: string;
  readonly capacityBytes: number;
  readonly channels: number;
  readonly diesPerChannel: number;
  readonly planesPerDie: number;
  readonly pageBytes: number;
  readonly readLatencyS: number;
  readonly programLatencyS: number;
  readonly commandLatencyS: number;
  readonly maxReadIops: number;
  readonly maxWriteIops: number;
  readonly seqReadBytesPerS: number;
  readonly seqWriteBytesPerS: number;
  readonly writeBufferBytes: number;
  readonly writeAmplification: number;
  readonly tbwBytes: number;
  readonly afr: number;
}

export interface HddProfile {
  readonly name: string;
  readonly source: string;
  readonly capacityBytes: number;
  readonly rpm: number;
  readonly avgSeekS: number;
  readonly trackToTrackSeekS: number;
  readonly fullStrokeSeekS: number;
  /** The whole drive's sustained rate; each actuator streams at sustainedBytesPerS / actuators. */
  readonly sustainedBytesPerS: number;
  readonly actuators: number;
  readonly afr: number;
}

// The NIC and CPU shapes are a contract with the NIC and CPU models: keep them exactly as they are.
export interface NicProfile { name: string; lineRateBitsPerS: number; goodputEfficiency: number; latencyS: number; afr?: number }
export interface CpuProfile { name: string; cores: number; threadsPerCore: number; clockMHz: number; idlePowerW: number; maxPowerW: number }

/** A node template with its device names resolved to the compiled profiles. */
export interface NodeTemplate {
  readonly name: string;
  readonly source: string;
  readonly cpu: CpuProfile;
  readonly memoryBytes: number;
  readonly ssds: readonly SsdProfile[];
  readonly hdds: readonly HddProfile[];
  readonly nics: readonly NicProfile[];
}

export interface ProfileCatalog {
  /** The directory the profiles were read from. */
  readonly dir: string;
  ssd(name: string): SsdProfile;
  hdd(name: string): HddProfile;
  nic(name: string): NicProfile;
  cpu(name: string): CpuProfile;
  node(name: string): NodeTemplate;
  /** Profile names of one kind, sorted. */
  names(kind: ProfileKind): readonly string[];
  /** The kind of a profile name, or undefined if there is none (names are unique across kinds). */
  kindOf(name: string): ProfileKind | undefined;
}

// ---------------------------------------------------------------------------------------------
// The schema: per kind, each allowed field and the rule its value must meet.

type NumberRule = 'positive' | 'wholePositive' | 'nonNegative' | 'probability' | 'efficiency' | 'atLeastOne';
type Rule =
  | { readonly type: 'number'; readonly rule: NumberRule; readonly optional?: boolean }
  | { readonly type: 'text'; readonly optional?: boolean }
  | { readonly type: 'ref'; readonly of: DeviceKind }
  | { readonly type: 'refs'; readonly of: DeviceKind };

const num = (rule: NumberRule): Rule => ({ type: 'number', rule });
const optionalNum = (rule: NumberRule): Rule => ({ type: 'number', rule, optional: true });
const text: Rule = { type: 'text' };
const optionalText: Rule = { type: 'text', optional: true };

const NUMBER_RULES: Record<NumberRule, { ok: (v: number) => boolean; text: string }> = {
  positive: { ok: (v) => v > 0, text: 'must be > 0' },
  wholePositive: { ok: (v) => Number.isSafeInteger(v) && v > 0, text: 'must be a whole number > 0' },
  nonNegative: { ok: (v) => v >= 0, text: 'must be >= 0' },
  probability: { ok: (v) => v >= 0 && v < 1, text: 'must be a fraction in [0, 1)' },
  efficiency: { ok: (v) => v > 0 && v <= 1, text: 'must be a fraction in (0, 1]' },
  atLeastOne: { ok: (v) => v >= 1, text: 'must be >= 1' },
};

// Every kind takes a "source" (where the figures come from) and optional "notes" (calibration remarks).
const common = { source: text, notes: optionalText };

const SCHEMAS: Record<ProfileKind, Readonly<Record<string, Rule>>> = {
  ssd: {
    ...common,
    capacityBytes: num('wholePositive'),
    channels: num('wholePositive'),
    diesPerChannel: num('wholePositive'),
    planesPerDie: num('wholePositive'),
    pageBytes: num('wholePositive'),
    readLatencyS: num('positive'),
    programLatencyS: num('positive'),
    commandLatencyS: num('nonNegative'),
    maxReadIops: num('positive'),
    maxWriteIops: num('positive'),
    seqReadBytesPerS: num('positive'),
    seqWriteBytesPerS: num('positive'),
    writeBufferBytes: num('wholePositive'),
    writeAmplification: num('atLeastOne'),
    tbwBytes: num('positive'),
    afr: optionalNum('probability'),
  },
  hdd: {
    ...common,
    capacityBytes: num('wholePositive'),
    rpm: num('positive'),
    avgSeekS: num('positive'),
    trackToTrackSeekS: num('positive'),
    fullStrokeSeekS: num('positive'),
    sustainedBytesPerS: num('positive'),
    actuators: num('wholePositive'),
    afr: optionalNum('probability'),
  },
  nic: {
    ...common,
    lineRateBitsPerS: num('positive'),
    goodputEfficiency: num('efficiency'),
    latencyS: num('nonNegative'),
    afr: optionalNum('probability'),
  },
  cpu: {
    ...common,
    cores: num('wholePositive'),
    threadsPerCore: num('wholePositive'),
    clockMHz: num('positive'),
    idlePowerW: num('nonNegative'),
    maxPowerW: num('positive'),
  },
  node: {
    ...common,
    cpu: { type: 'ref', of: 'cpu' },
    memoryBytes: num('wholePositive'),
    ssds: { type: 'refs', of: 'ssd' },
    hdds: { type: 'refs', of: 'hdd' },
    nics: { type: 'refs', of: 'nic' },
  },
};

/** One file's fields after the schema check; getters assume the check passed. */
class Fields {
  constructor(
    readonly where: string,
    private readonly raw: Readonly<Record<string, unknown>>,
  ) {}
  num(field: string): number {
    return this.raw[field] as number;
  }
  optNum(field: string): number | undefined {
    return this.raw[field] as number | undefined;
  }
  text(field: string): string {
    return this.raw[field] as string;
  }
  names(field: string): readonly string[] {
    return this.raw[field] as string[];
  }
  fail(field: string, problem: string): never {
    throw new InputError(this.where, field, problem);
  }
}

function checkFields(where: string, kind: ProfileKind, raw: Readonly<Record<string, unknown>>): Fields {
  const schema = SCHEMAS[kind];
  // Unknown fields first: a typo ("seqReadBytesPerSec") is more helpful to hear about than the
  // "missing seqReadBytesPerS" it causes.
  for (const field of Object.keys(raw)) {
    if (field === 'kind') continue;
    if (field === 'name') throw new InputError(where, field, 'is not allowed: a profile is named by its file name');
    if (!(field in schema)) throw new InputError(where, field, `is not a field of a ${kind} profile (known: ${Object.keys(schema).sort().join(', ')})`);
  }
  for (const [field, rule] of Object.entries(schema)) checkValue(where, field, rule, raw[field]);
  return new Fields(where, raw);
}

function checkValue(where: string, field: string, rule: Rule, value: unknown): void {
  const fail = (problem: string): never => {
    throw new InputError(where, field, problem);
  };
  if (value === undefined) {
    if ((rule.type === 'number' || rule.type === 'text') && rule.optional === true) return;
    fail('is missing');
  }
  switch (rule.type) {
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) fail(`must be a number, got ${JSON.stringify(value)}`);
      const check = NUMBER_RULES[rule.rule];
      if (!check.ok(value as number)) fail(`${check.text}, got ${String(value)}`);
      return;
    }
    case 'text':
      if (typeof value !== 'string' || value.trim() === '') fail(`must be a non-empty string, got ${JSON.stringify(value)}`);
      return;
    case 'ref':
      if (typeof value !== 'string' || value === '') fail(`must be the name of a ${rule.of} profile, got ${JSON.stringify(value)}`);
      return;
    case 'refs':
      if (!Array.isArray(value)) fail(`must be an array of ${rule.of} profile names, got ${JSON.stringify(value)}`);
      (value as unknown[]).forEach((item, i) => {
        if (typeof item !== 'string' || item === '') {
          throw new InputError(where, `${field}[${i}]`, `must be the name of a ${rule.of} profile, got ${JSON.stringify(item)}`);
        }
      });
      return;
  }
}

// ---------------------------------------------------------------------------------------------
// Compiling checked fields into the typed forms, with the checks that span several fields.

function compileSsd(name: string, f: Fields): SsdProfile {
  if (f.num('writeBufferBytes') < f.num('pageBytes')) f.fail('writeBufferBytes', `must hold at least one page (${f.num('pageBytes')} bytes)`);
  return {
    name,
    source: f.text('source'),
    capacityBytes: f.num('capacityBytes'),
    channels: f.num('channels'),
    diesPerChannel: f.num('diesPerChannel'),
    planesPerDie: f.num('planesPerDie'),
    pageBytes: f.num('pageBytes'),
    readLatencyS: f.num('readLatencyS'),
    programLatencyS: f.num('programLatencyS'),
    commandLatencyS: f.num('commandLatencyS'),
    maxReadIops: f.num('maxReadIops'),
    maxWriteIops: f.num('maxWriteIops'),
    seqReadBytesPerS: f.num('seqReadBytesPerS'),
    seqWriteBytesPerS: f.num('seqWriteBytesPerS'),
    writeBufferBytes: f.num('writeBufferBytes'),
    writeAmplification: f.num('writeAmplification'),
    tbwBytes: f.num('tbwBytes'),
    afr: f.optNum('afr') ?? DEFAULT_SSD_AFR,
  };
}

function compileHdd(name: string, f: Fields): HddProfile {
  const t2t = f.num('trackToTrackSeekS');
  const avg = f.num('avgSeekS');
  const full = f.num('fullStrokeSeekS');
  // The HDD model's seek curve t2t + b·√x + c·x (b = 5·(avg − t2t − span/3), c = span − b) rises
  // over the whole stroke only if b >= 0 and its slope at full stroke, b/2 + c, is >= 0.
  const span = full - t2t;
  if (!(t2t < avg && avg < full)) f.fail('avgSeekS', `must lie between trackToTrackSeekS (${t2t}) and fullStrokeSeekS (${full}), got ${avg}`);
  if (avg - t2t < span / 3 || avg - t2t > (11 * span) / 15) {
    f.fail('avgSeekS', `must lie in [${(t2t + span / 3).toPrecision(4)}, ${(t2t + (11 * span) / 15).toPrecision(4)}] s for a seek curve that rises with distance, got ${avg}`);
  }
  return {
    name,
    source: f.text('source'),
    capacityBytes: f.num('capacityBytes'),
    rpm: f.num('rpm'),
    avgSeekS: avg,
    trackToTrackSeekS: t2t,
    fullStrokeSeekS: full,
    sustainedBytesPerS: f.num('sustainedBytesPerS'),
    actuators: f.num('actuators'),
    afr: f.optNum('afr') ?? DEFAULT_HDD_AFR,
  };
}

function compileNic(name: string, f: Fields): NicProfile {
  const afr = f.optNum('afr');
  const nic: NicProfile = {
    name,
    lineRateBitsPerS: f.num('lineRateBitsPerS'),
    goodputEfficiency: f.num('goodputEfficiency'),
    latencyS: f.num('latencyS'),
  };
  if (afr !== undefined) nic.afr = afr;
  return nic;
}

function compileCpu(name: string, f: Fields): CpuProfile {
  if (f.num('maxPowerW') < f.num('idlePowerW')) f.fail('maxPowerW', `must be >= idlePowerW (${f.num('idlePowerW')}), got ${f.num('maxPowerW')}`);
  return {
    name,
    cores: f.num('cores'),
    threadsPerCore: f.num('threadsPerCore'),
    clockMHz: f.num('clockMHz'),
    idlePowerW: f.num('idlePowerW'),
    maxPowerW: f.num('maxPowerW'),
  };
}

// ---------------------------------------------------------------------------------------------
// Loading a directory: top-level *.json are devices or nodes, nodes/*.json are node templates.

interface Loaded {
  readonly kind: ProfileKind;
  readonly fields: Fields;
}

class Catalog implements ProfileCatalog {
  readonly ssds = new Map<string, SsdProfile>();
  readonly hdds = new Map<string, HddProfile>();
  readonly nics = new Map<string, NicProfile>();
  readonly cpus = new Map<string, CpuProfile>();
  readonly nodes = new Map<string, NodeTemplate>();
  private readonly kinds = new Map<string, ProfileKind>();

  constructor(readonly dir: string) {}

  ssd(name: string): SsdProfile {
    return this.get('ssd', this.ssds, name);
  }
  hdd(name: string): HddProfile {
    return this.get('hdd', this.hdds, name);
  }
  nic(name: string): NicProfile {
    return this.get('nic', this.nics, name);
  }
  cpu(name: string): CpuProfile {
    return this.get('cpu', this.cpus, name);
  }
  node(name: string): NodeTemplate {
    return this.get('node', this.nodes, name);
  }
  names(kind: ProfileKind): readonly string[] {
    return [...this.mapOf(kind).keys()].sort();
  }
  kindOf(name: string): ProfileKind | undefined {
    return this.kinds.get(name);
  }

  add(kind: ProfileKind, name: string, profile: object): void {
    this.kinds.set(name, kind);
    (this.mapOf(kind) as Map<string, object>).set(name, Object.freeze(profile));
  }

  /** The reference `name` from a node file, or an InputError saying why it does not resolve. */
  resolve<K extends DeviceKind>(f: Fields, field: string, kind: K, name: string): ReturnType<Catalog[K]> {
    const actual = this.kinds.get(name);
    if (actual === kind) return this[kind](name) as ReturnType<Catalog[K]>;
    const problem = actual === undefined ? `no ${kind} profile named "${name}"` : `"${name}" is a ${actual} profile, not a ${kind}`;
    return f.fail(field, `${problem} (known ${kind} profiles: ${this.names(kind).join(', ') || 'none'})`);
  }

  private mapOf(kind: ProfileKind): Map<string, unknown> {
    return { ssd: this.ssds, hdd: this.hdds, nic: this.nics, cpu: this.cpus, node: this.nodes }[kind];
  }

  private get<T>(kind: ProfileKind, map: Map<string, T>, name: string): T {
    const profile = map.get(name);
    if (profile !== undefined) return profile;
    const other = this.kinds.get(name);
    const hint = other === undefined ? '' : ` ("${name}" is a ${other} profile)`;
    throw new InputError(`${kind} profile`, '', `no ${kind} profile named "${name}"${hint}; known: ${this.names(kind).join(', ') || 'none'}`);
  }
}

/** How a path is shown in messages: relative to the working directory when it lies under it. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') ? path : rel;
}

function listJson(dir: string, required: boolean): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (err) {
    if (!required && (err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new InputError(displayPath(dir), '', `cannot read profile directory: ${(err as Error).message}`);
  }
  return entries.filter((e) => e.endsWith('.json')).sort().map((e) => join(dir, e));
}

function readProfileFile(file: string): Loaded {
  const where = displayPath(file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(where, '', `invalid JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InputError(where, '', 'must be a JSON object');
  const record = raw as Record<string, unknown>;
  const kind = record.kind;
  if (kind === undefined) throw new InputError(where, 'kind', `is missing (one of ${PROFILE_KINDS.join(', ')})`);
  if (!(PROFILE_KINDS as readonly unknown[]).includes(kind)) {
    throw new InputError(where, 'kind', `must be one of ${PROFILE_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  }
  return { kind: kind as ProfileKind, fields: checkFields(where, kind as ProfileKind, record) };
}

function buildCatalog(dir: string): ProfileCatalog {
  const catalog = new Catalog(dir);
  const files = [...listJson(dir, true), ...listJson(join(dir, 'nodes'), false)];
  const nodes: { name: string; fields: Fields }[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const name = basename(file, '.json');
    const loaded = readProfileFile(file);
    const earlier = seen.get(name);
    if (earlier !== undefined) throw new InputError(displayPath(file), '', `profile name "${name}" is already used by ${earlier}`);
    seen.set(name, displayPath(file));
    const f = loaded.fields;
    switch (loaded.kind) {
      case 'ssd':
        catalog.add('ssd', name, compileSsd(name, f));
        break;
      case 'hdd':
        catalog.add('hdd', name, compileHdd(name, f));
        break;
      case 'nic':
        catalog.add('nic', name, compileNic(name, f));
        break;
      case 'cpu':
        catalog.add('cpu', name, compileCpu(name, f));
        break;
      case 'node':
        nodes.push({ name, fields: f }); // resolved once every device is known
        break;
    }
  }
  for (const { name, fields: f } of nodes) {
    const refs = <K extends DeviceKind>(field: string, kind: K) => f.names(field).map((n, i) => catalog.resolve(f, `${field}[${i}]`, kind, n));
    const node: NodeTemplate = {
      name,
      source: f.text('source'),
      cpu: catalog.resolve(f, 'cpu', 'cpu', f.text('cpu')),
      memoryBytes: f.num('memoryBytes'),
      ssds: Object.freeze(refs('ssds', 'ssd')),
      hdds: Object.freeze(refs('hdds', 'hdd')),
      nics: Object.freeze(refs('nics', 'nic')),
    };
    if (node.nics.length === 0) f.fail('nics', 'must name at least one NIC');
    if (node.ssds.length + node.hdds.length === 0) f.fail('ssds', 'a node needs at least one disk (ssds or hdds)');
    catalog.add('node', name, node);
  }
  return Object.freeze(catalog);
}

const DEFAULT_DIR = projectPath('hardware-profiles/');
let defaultCatalog: ProfileCatalog | undefined;

/**
 * Loads every profile of `dir` (default: the repository's hardware-profiles/). The default catalog
 * is loaded once and shared, since it is immutable; an explicit directory is read afresh each time.
 */
export function loadProfiles(dir?: string): ProfileCatalog {
  if (dir === undefined) return (defaultCatalog ??= buildCatalog(resolvePath(DEFAULT_DIR)));
  return buildCatalog(resolvePath(dir));
}
