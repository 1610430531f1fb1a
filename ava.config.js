// `npm test`: the compiled tests in dist/test/ (its pretest builds them, type-checking everything on
// the way), so no test process spends its start-up on a TypeScript loader. Source maps point failures
// at the .ts lines. To run tests from the sources without a build, see ava.sources.config.js.
export default {
  files: ['dist/test/**/*.test.js'],
  // Each test file its own process: the private redis-server per file and the signal tests rely on it.
  workerThreads: false,
  nodeArguments: ['--enable-source-maps'],
  // Ink's is-in-ci path changes what a quitting app prints (TOOLCHAIN gotcha 9c).
  environmentVariables: { CI: 'false' },
  timeout: '120s',
};
