// Which disk workloads are mounted and ready on each node, so a zmachine can check its mounts without
// the zmount/volume/qsfs managers: they (or the provision engine) call setMounted when one becomes ok.

export type MountKind = 'zmount' | 'volume' | 'qsfs';

export class MountRegistry {
  private readonly mounted = new Map<string, MountKind>();

  setMounted(node: number, workloadId: string, kind: MountKind, mounted: boolean): void {
    const key = `${node}/${workloadId}`;
    if (mounted) this.mounted.set(key, kind);
    else this.mounted.delete(key);
  }

  isMounted(node: number, workloadId: string): boolean {
    return this.mounted.has(`${node}/${workloadId}`);
  }

  kindOf(node: number, workloadId: string): MountKind | undefined {
    return this.mounted.get(`${node}/${workloadId}`);
  }
}
