// Where the project's own files are, whether its code runs from source (tsx, `cli/main.ts`) or
// compiled (`dist/cli/main.js`), and how to start one of its entry scripts as a child process.
// Leaves out what the files hold; callers read them.

import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** This file is `ROOT/sim/project-files.ts` from source, `ROOT/dist/sim/project-files.js` compiled. */
const compiled = import.meta.url.endsWith('.js');
const projectRootUrl = new URL(compiled ? '../../' : '../', import.meta.url);
const codeRootUrl = new URL('../', import.meta.url);

/** The absolute path of a file or folder of the repository (`hardware-profiles/`, `package.json`). */
export function projectPath(relative: string): string {
  return fileURLToPath(new URL(relative, projectRootUrl));
}

/** The node flags a child needs to run our modules as this process does: tsx from source, none compiled. */
export function loaderArgs(): string[] {
  return compiled ? [] : ['--import', 'tsx'];
}

/**
 * The absolute path of one of our modules (`cli/main`, `test/helpers/async-trace`: no extension) as
 * this process runs them: the compiled JavaScript when it runs compiled, the TypeScript source when it
 * runs from source, so a child never runs code older or newer than its parent.
 */
export function modulePath(module: string): string {
  return fileURLToPath(new URL(`${module}${compiled ? '.js' : '.ts'}`, codeRootUrl));
}

/** The node arguments that run one of our entry scripts (`cli/main`, `bench/queue`) as this process runs. */
export function entryArgs(script: string): string[] {
  return [...loaderArgs(), modulePath(script)];
}

/**
 * A worker thread running one of our modules (no extension) as this process runs them. From source
 * the module is TypeScript, and a Node 20 worker thread inherits no `--import` loader: a small
 * JavaScript bootstrap registers tsx in the thread first, then imports the module.
 */
export function startWorkerThread(module: string, options: WorkerOptions = {}): Worker {
  const url = pathToFileURL(modulePath(module));
  if (compiled) return new Worker(url, options);
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}
