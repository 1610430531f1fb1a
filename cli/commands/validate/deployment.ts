// `validate deployment FILE`: reads a zos deployment document and reports every static problem in it.
// Leaves out the rules themselves (sim/grid/deployment-validate.ts); this reads the file and prints.

import { readFileSync } from 'node:fs';
import type { Command } from '../../command.js';
import { InputError } from '../../../sim/errors.js';
import type { DeploymentIssue } from '../../../sim/grid/deployment-validate.js';
import { readJsonFile } from '../../read-json.js';

export const deployment: Command = {
  name: 'deployment',
  summary: 'check a zos deployment document (JSON) as a node would on receipt; exit 1 if invalid',
  usage: 'validate deployment FILE [--json]',
  maxPositionals: 1,
  async run(args, { out }) {
    const file = args.positional(0, 'FILE');
    const { validateDeployment } = await import('../../../sim/grid/deployment-validate.js');
    const result = validateDeployment(readJsonFile(file));
    out.result({ valid: result.valid, errors: result.errors }, () => humanSummary(file, result.errors));
    return result.valid ? 0 : 1;
  },
};

function humanSummary(file: string, errors: readonly DeploymentIssue[]): string {
  if (errors.length === 0) return `${file}: valid`;
  const lines = errors.map((e) => `${e.workload ? `workload ${e.workload}` : 'deployment'}: ${e.field ? `${e.field}: ` : ''}${e.message}`);
  return [`${file}: ${errors.length} error${errors.length === 1 ? '' : 's'}`, ...lines].join('\n');
}
