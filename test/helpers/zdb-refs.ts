// A qsfs backend entry from a zdb workload's result, as a client builds one: zos's ZDBResult
// {Namespace, IPs, Port} → {address: "[ip]:port", namespace, password}.
import type { WorkloadView } from '../../workers/backend.js';

export interface ZdbResultData {
  readonly Namespace: string;
  readonly IPs: readonly string[];
  readonly Port: number;
}

export function zdbResultOf(view: WorkloadView | { readonly data?: unknown }): ZdbResultData {
  const data = view.data as Partial<ZdbResultData> | undefined;
  if (typeof data?.Namespace !== 'string' || !Array.isArray(data.IPs) || typeof data.Port !== 'number') throw new Error(`not a zdb result: ${JSON.stringify(view)}`);
  return data as ZdbResultData;
}

/** The backend entry for the result's first IP (IPv6 in brackets, as zos writes addresses). */
export function backendFromResult(result: ZdbResultData, password: string): { address: string; namespace: string; password: string } {
  const ip = result.IPs[0]!;
  return { address: ip.includes(':') ? `[${ip}]:${result.Port}` : `${ip}:${result.Port}`, namespace: result.Namespace, password };
}
