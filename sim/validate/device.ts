// `validate device`: one closed-loop workload against an SSD or HDD profile, as fio would run it on
// the real drive. Leaves out comparing with published figures; the tests and the caller do that.

import { Simulation } from '../engine/simulation.js';
import { RngStreams } from '../engine/rng.js';
import { InputError } from '../errors.js';
import { runClosedLoop, WORKLOADS, type DeviceMeasurement, type Workload } from '../hardware/device-driver.js';
import { Hdd } from '../hardware/hdd.js';
import { loadProfiles, type ProfileCatalog } from '../hardware/profiles.js';
import { Ssd } from '../hardware/ssd.js';
import type { StorageDevice } from '../hardware/storage-device.js';

export interface DeviceValidationInput {
  /** An ssd or hdd profile name. */
  readonly profile: string;
  readonly workload: string;
  readonly blockBytes: number;
  readonly queueDepth: number;
  readonly seed: string | number;
  /** Measured IOs (default 20 000); a tenth as many again warm up first. */
  readonly ios?: number;
}

export interface DeviceValidationResult extends DeviceMeasurement {
  readonly profile: string;
  readonly kind: 'ssd' | 'hdd';
  readonly workload: Workload;
  readonly blockBytes: number;
  readonly queueDepth: number;
  readonly seed: string;
}

/** Errors name the flag as the field, so the message reads as the command line's. */
const WHERE = 'validate device';
const DEFAULT_IOS = 20_000;
/** Far beyond fio's usual 1–256 and NVMe's 64 K per queue would only measure the simulator. */
const MAX_QUEUE_DEPTH = 65_536;
const MAX_IOS = 10_000_000;

export function runDeviceValidation(input: DeviceValidationInput, catalog: ProfileCatalog = loadProfiles()): DeviceValidationResult {
  const kind = catalog.kindOf(input.profile);
  if (kind !== 'ssd' && kind !== 'hdd') {
    const known = [...catalog.names('ssd'), ...catalog.names('hdd')].join(', ');
    const what = kind === undefined ? `no ssd or hdd profile named "${input.profile}"` : `"${input.profile}" is a ${kind} profile`;
    throw new InputError(WHERE, '--profile', `${what}; known: ${known}`);
  }
  if (!(WORKLOADS as readonly string[]).includes(input.workload)) {
    throw new InputError(WHERE, '--workload', `must be one of ${WORKLOADS.join(', ')}, got ${JSON.stringify(input.workload)}`);
  }
  const ios = input.ios ?? DEFAULT_IOS;
  wholeInRange('--ios', ios, 1, MAX_IOS);
  wholeInRange('--queue-depth', input.queueDepth, 1, MAX_QUEUE_DEPTH);
  const capacityBytes = kind === 'ssd' ? catalog.ssd(input.profile).capacityBytes : catalog.hdd(input.profile).capacityBytes;
  wholeInRange('--block-bytes', input.blockBytes, 1, capacityBytes);
  const seed = input.seed;
  if (!((typeof seed === 'string' && seed !== '') || (typeof seed === 'number' && Number.isFinite(seed)))) {
    throw new InputError(WHERE, '--seed', `must be a non-empty string or a finite number, got ${JSON.stringify(seed)}`);
  }
  const streams = new RngStreams(seed);

  const sim = new Simulation();
  // Validation measures performance only: the AFR failure stays sampled but unscheduled.
  const common = { sim, rng: streams.stream(`device:${input.profile}`), armFailure: false };
  const device: StorageDevice = kind === 'ssd' ? new Ssd(catalog.ssd(input.profile), common) : new Hdd(catalog.hdd(input.profile), common);
  // One sequential stream per actuator, as the 2X18's published rate is measured across both halves.
  const regions = kind === 'hdd' ? catalog.hdd(input.profile).actuators : 1;
  const measurement = runClosedLoop(device, {
    workload: input.workload as Workload,
    blockBytes: input.blockBytes,
    queueDepth: input.queueDepth,
    rng: streams.stream('workload'),
    warmupIos: Math.max(Math.ceil(ios / 10), 4 * input.queueDepth),
    measureIos: ios,
    streams: regions,
  });
  return {
    profile: input.profile,
    kind,
    workload: input.workload as Workload,
    blockBytes: input.blockBytes,
    queueDepth: input.queueDepth,
    seed: streams.seed,
    ...measurement,
  };
}

function wholeInRange(flag: string, value: number, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new InputError(WHERE, flag, `must be a whole number, got ${JSON.stringify(value)}`);
  if (value < min || value > max) throw new InputError(WHERE, flag, `must be between ${min} and ${max}, got ${value}`);
}
