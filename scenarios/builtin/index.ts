// The built-in scenarios by name, compiled on demand.
// Leaves out scenario files on disk, which load.ts reads.

import { compileScenario } from '../compile.js';
import type { CompiledScenario } from '../compiled.js';
import type { Scenario } from '../scenario.js';
import { capacity10kYear } from './capacity.js';
import { domainScenarios } from './domain.js';
import { networkScenarios } from './network.js';

export const builtinScenarios: readonly Scenario[] = [...domainScenarios, ...networkScenarios, capacity10kYear];

export function builtinScenario(name: string): Scenario | undefined {
  return builtinScenarios.find((s) => s.name === name);
}

export function compileBuiltin(scenario: Scenario): CompiledScenario {
  return compileScenario(scenario, `builtin:${scenario.name}`);
}
