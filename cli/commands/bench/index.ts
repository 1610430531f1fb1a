// `bench NAME`: benchmarks, each printing our figure, a reference measured in the same run, and
// their ratio (--json for one document). The scripts live in bench/; their flags in ./specs.ts.

import { defineGroup } from '../../command.js';
import { benchScript } from './run-script.js';
import { benchSpecs, type BenchName } from './specs.js';

export const bench = defineGroup({
  name: 'bench',
  summary: 'benchmarks against a reference measured in the same run',
  subcommands: (Object.keys(benchSpecs) as BenchName[]).map((name) => benchScript(name, benchSpecs[name])),
});
