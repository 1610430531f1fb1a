// writeReports: the four CSV files and report.html for one finished run, into one directory.
// Leaves out naming the directory and printing where it is: the runner and the CLI do that.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { capacityPlan, defaultThresholds, type Thresholds } from './capacity.js';
import { nodesCsv, operationsCsv, summaryCsv, timeseriesCsv } from './csv.js';
import { reportHtml } from './html/report-html.js';
import type { RunRecord } from './types.js';

export const reportFiles = ['timeseries.csv', 'nodes.csv', 'operations.csv', 'summary.csv', 'report.html'] as const;

export interface WriteReportsOptions {
  /** Used-fraction ceilings for headroom; capacity.ts's defaults otherwise. */
  readonly thresholds?: Thresholds;
}

/** Writes every report file (creating `dir` if needed) and returns their paths in reportFiles order. */
export function writeReports(record: RunRecord, dir: string, options: WriteReportsOptions = {}): string[] {
  const plan = capacityPlan(record, options.thresholds ?? defaultThresholds);
  const contents: Record<(typeof reportFiles)[number], string> = {
    'timeseries.csv': timeseriesCsv(record),
    'nodes.csv': nodesCsv(record),
    'operations.csv': operationsCsv(record),
    'summary.csv': summaryCsv(record, plan),
    'report.html': reportHtml(record, plan),
  };
  mkdirSync(dir, { recursive: true });
  return reportFiles.map((name) => {
    const path = join(dir, name);
    writeFileSync(path, contents[name]);
    return path;
  });
}
