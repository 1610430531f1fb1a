// `validate device`: drives a device profile with a closed-loop load and prints what it measured.
// Leaves out the model and the load generator (sim/validate/device.ts); this reads flags and prints.

import type { Command } from '../../command.js';

export const device: Command = {
  name: 'device',
  summary: 'drive an SSD or HDD profile with a closed-loop load; print IOPS, bandwidth and latency',
  usage: 'validate device --profile NAME --workload randread|randwrite|seqread|seqwrite --block-bytes B --queue-depth Q [--seed S] [--ios N] [--profiles DIR] [--json]',
  flags: {
    profile: { kind: 'value', valueName: 'NAME', help: "a profile file's base name, e.g. nvme-980 or hdd-exos-x18" },
    workload: { kind: 'value', valueName: 'W', help: 'randread, randwrite, seqread or seqwrite' },
    'block-bytes': { kind: 'value', valueName: 'B', help: 'bytes per IO, e.g. 4096' },
    'queue-depth': { kind: 'value', valueName: 'Q', help: 'IOs kept outstanding' },
    seed: { kind: 'value', valueName: 'S', help: 'seed (default 1)' },
    ios: { kind: 'value', valueName: 'N', help: 'measured IOs (default 20000), after a tenth as many to warm up' },
    profiles: { kind: 'value', valueName: 'DIR', help: 'a folder of profile files instead of the shipped hardware-profiles/' },
  },
  async run(args, { out }) {
    const seed = args.string('seed', '1');
    out.progress(`seed: ${seed}`);
    const ios = args.number('ios', { integer: true });
    const profilesDir = args.string('profiles');
    const [{ loadProfiles }, { runDeviceValidation }] = await Promise.all([import('../../../sim/hardware/profiles.js'), import('../../../sim/validate/device.js')]);
    const catalog = profilesDir === undefined ? loadProfiles() : loadProfiles(profilesDir);
    const r = runDeviceValidation({
      profile: args.required('profile'),
      workload: args.required('workload'),
      blockBytes: args.number('block-bytes', { required: true, integer: true }),
      queueDepth: args.number('queue-depth', { required: true, integer: true }),
      seed,
      ...(ios === undefined ? {} : { ios }),
    }, catalog);
    const document = { iops: r.iops, bandwidthBytesPerS: r.bandwidthBytesPerS, latencyUs: { p50: r.latencyUs.p50, p99: r.latencyUs.p99 } };
    out.result(document, () =>
      [
        `${r.profile} (${r.kind}) ${r.workload} ${r.blockBytes} B at QD${r.queueDepth}, ${r.ios} IOs`,
        `  IOPS       ${Math.round(r.iops)}`,
        `  bandwidth  ${(r.bandwidthBytesPerS / 1e6).toFixed(1)} MB/s`,
        `  latency    p50 ${r.latencyUs.p50.toFixed(1)} µs, p99 ${r.latencyUs.p99.toFixed(1)} µs`,
      ].join('\n'),
    );
    return 0;
  },
};
