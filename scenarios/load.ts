// Finds a scenario by built-in name or JSON file path and compiles it; errors name the file and field.
// Leaves out TypeScript scenario modules on disk: those import compileScenario themselves.

import { readFileSync } from 'node:fs';
import { InputError } from '../sim/errors.js';
import { builtinScenario, builtinScenarios, compileBuiltin } from './builtin/index.js';
import { compileScenario } from './compile.js';
import type { CompiledScenario } from './compiled.js';
import { loadRawScenario } from './sweep-plan.js';

export function loadScenarioFile(path: string): CompiledScenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(path, '', `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new InputError(path, '', `not JSON: ${(err as Error).message}`);
  }
  return compileScenario(raw, path);
}

/** A built-in or JSON scenario with its workload replaced by a tfrobot config's (`run --tfrobot`). */
export function scenarioWithTfrobot(nameOrPath: string, tfrobotPath: string): CompiledScenario {
  const { scenario, source } = loadRawScenario(nameOrPath, tfrobotPath);
  return compileScenario(scenario, source);
}

/** A built-in name, else a path to a .json file. */
export function loadScenario(nameOrPath: string): CompiledScenario {
  const builtin = builtinScenario(nameOrPath);
  if (builtin !== undefined) return compileBuiltin(builtin);
  if (nameOrPath.endsWith('.json')) return loadScenarioFile(nameOrPath);
  throw new InputError('command line', 'SCENARIO', `no built-in scenario '${nameOrPath}' and not a .json file (built-ins: ${builtinScenarios.map((s) => s.name).join(', ')})`);
}
