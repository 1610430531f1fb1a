// The synchronous checks a node makes inside the RMB call before it queues a job: Valid(), create
// rules and Upgrade() (DOMAIN.md 2.4). Leaves out the twin's KYC lookup, signatures and hashes.

import { ErrorCode, ZosError } from '../../errors.js';
import type { Deployment } from '../deployment.js';
import { validateDeployment } from '../deployment-validate.js';
import { updatableTypes } from './order.js';

/** Why a call was refused; stable strings that callers and job results may match on. */
export const AdmissionReason = {
  invalid: 'invalid',
  exists: 'exists',
  notFound: 'not-found',
  badVersion: 'bad-version',
  twinChanged: 'twin-changed',
  typeChanged: 'type-changed',
  workloadVersion: 'workload-version',
  notUpgradable: 'not-upgradable',
  nodeOff: 'node-off',
} as const;
export type AdmissionReason = (typeof AdmissionReason)[keyof typeof AdmissionReason];

/** A call the node refused synchronously; nothing was stored or queued. */
export class ProvisionRejected extends ZosError {
  constructor(
    readonly reason: AdmissionReason,
    message: string,
  ) {
    super(ErrorCode.badInput, message);
  }
}

/** Valid(): the static checks; the first problem names workload and field in the message. */
export function checkValid(doc: Deployment): void {
  const validation = validateDeployment(doc);
  if (validation.valid) return;
  const first = validation.errors[0]!;
  const where = first.workload === '' ? '' : `workload ${first.workload}: `;
  throw new ProvisionRejected(AdmissionReason.invalid, `invalid deployment: ${where}${first.field ? `${first.field}: ` : ''}${first.message}`);
}

export function checkCreate(doc: Deployment, exists: boolean): void {
  checkValid(doc);
  if (exists) throw new ProvisionRejected(AdmissionReason.exists, `deployment ${doc.contract_id} exists already`);
  if (doc.version !== 0) throw new ProvisionRejected(AdmissionReason.badVersion, `a new deployment must have version 0, got ${doc.version}`);
}

/** Upgrade(): `previous` is the last document the node accepted for this contract. */
export function checkUpdate(previous: Deployment | undefined, next: Deployment): void {
  checkValid(next);
  if (previous === undefined) throw new ProvisionRejected(AdmissionReason.notFound, `deployment ${next.contract_id} not found`);
  if (previous.twin_id !== next.twin_id) throw new ProvisionRejected(AdmissionReason.twinChanged, 'cannot change deployment twin id');
  if (next.version !== previous.version + 1) {
    throw new ProvisionRejected(AdmissionReason.badVersion, `new version must be ${previous.version + 1}, got ${next.version}`);
  }
  const oldTypes = new Map(previous.workloads.map((w) => [w.name, w.type]));
  for (const workload of next.workloads) {
    const oldType = oldTypes.get(workload.name);
    if (oldType === undefined) {
      if (workload.version !== next.version) {
        throw new ProvisionRejected(AdmissionReason.workloadVersion, `new workload ${workload.name} must have version ${next.version}`);
      }
      continue;
    }
    if (oldType !== workload.type) throw new ProvisionRejected(AdmissionReason.typeChanged, `cannot change type of workload ${workload.name}`);
    if (workload.version === next.version && !updatableTypes.has(workload.type)) {
      throw new ProvisionRejected(AdmissionReason.notUpgradable, `workload ${workload.name} of type ${workload.type} does not support upgrade`);
    }
  }
}
