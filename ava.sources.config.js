// Tests straight from the TypeScript sources under tsx, no build needed (a second or so more per test
// file): `npm run test:sources -- test/engine/rng.test.ts`. Tests of the installed binary still run
// dist/, and refuse to run an outdated one.
import base from './ava.config.js';

export default {
  ...base,
  files: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
  extensions: { ts: 'module', tsx: 'module' },
  nodeArguments: ['--import=tsx'],
};
