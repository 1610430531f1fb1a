// The scheduler's operation schemas: validation of untrusted operation JSON into typed Operations.
// Types themselves live in workers/operations.ts, shared with the handlers.

export { validateOperation, validateOperationList } from './validate.js';
