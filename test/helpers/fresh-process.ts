// Runs a little code in a new Node process against one of our modules, loaded the way this process
// loads them (compiled, or from source under tsx): for determinism checks across processes.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { loaderArgs, modulePath } from '../../sim/project-files.js';

/** `body` runs with the module (`test/helpers/async-trace`, no extension) imported as `m`. */
export function inFreshProcess(module: string, body: string): SpawnSyncReturns<string> {
  const code = `const m = await import(${JSON.stringify(pathToFileURL(modulePath(module)).href)}); ${body}`;
  return spawnSync(process.execPath, [...loaderArgs(), '--input-type=module', '-e', code], { encoding: 'utf8' });
}
