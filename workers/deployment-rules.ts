// The static rules of a zos deployment document, for layers that may not import sim/ (the scheduler
// validates submitted operations with them). Nothing of its own: the rules live in sim/grid/.

export { validateDeployment, type DeploymentIssue, type DeploymentValidation } from '../sim/grid/deployment-validate.js';
