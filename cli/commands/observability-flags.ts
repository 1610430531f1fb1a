// Flags of the observability layer, shared by the commands that take them: log lines for long-running
// processes, a Prometheus /metrics port, and an OTLP endpoint for traces. All off unless given.

import type { Args, FlagSpecs } from '../args.js';

export const logFlags: FlagSpecs = {
  'log-level': { kind: 'value', valueName: 'error|warn|info|debug', help: 'what to log on stderr: info (default) says one line per job; debug adds when each starts' },
  'log-format': { kind: 'value', valueName: 'text|json', help: 'text lines (default) or one JSON object per line' },
};

export const metricsFlags: FlagSpecs = {
  'metrics-port': { kind: 'value', valueName: 'P', help: 'serve Prometheus metrics at http://127.0.0.1:P/metrics (0: any free port, printed); off by default' },
};

export const traceFlags: FlagSpecs = {
  'otlp-endpoint': { kind: 'value', valueName: 'URL', help: 'send OpenTelemetry traces of jobs to this OTLP/HTTP endpoint, like http://127.0.0.1:4318/v1/traces; off by default' },
  'trace-sample': { kind: 'value', valueName: 'RATIO', help: 'with --otlp-endpoint: the fraction of traces that start here to record, 0 to 1 (default 1; tracing every job costs about a sixth of the queue\'s throughput, a tenth of them about 2 %: `bench observability`)' },
};

export const logUsage = '[--log-level error|warn|info|debug] [--log-format text|json]';
export const metricsUsage = '[--metrics-port P]';
export const traceUsage = '[--otlp-endpoint URL [--trace-sample RATIO]]';

/** `--metrics-port`, checked: a TCP port, 0 for any free one; undefined when not given. */
export function readMetricsPort(args: Args): number | undefined {
  return args.number('metrics-port', { integer: true, min: 0, max: 65_535 });
}
