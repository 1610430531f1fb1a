// `version`: the package version and the Node.js running it, for bug reports and replays.
// Leaves out the git commit; a run's seed, not the commit, is what replays a run.

import { readFileSync } from 'node:fs';
import { projectPath } from '../../sim/project-files.js';
import type { Command } from '../command.js';

export const version: Command = {
  name: 'version',
  summary: 'print the version of zos-testbed and of Node.js',
  usage: 'version [--json]',
  async run(_args, { out }) {
    // Read at run time rather than imported: package.json is not part of any layer.
    const pkg = JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { name: string; version: string };
    out.result({ name: pkg.name, version: pkg.version, node: process.version }, `${pkg.name} ${pkg.version} (node ${process.version})`);
    return 0;
  },
};
