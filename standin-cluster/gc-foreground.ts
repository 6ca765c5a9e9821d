// Foreground cascading deletion, after the API server's generic registry (Store.Delete with
// propagationPolicy Foreground adds the `foregroundDeletion` finalizer and sets deletionTimestamp)
// and the garbage collector (pkg/controller/garbagecollector: the owner's dependents are deleted, and
// the finalizer is removed once none is left, which lets the owner go).
import { clone } from './patch.ts';
import { RESOURCES, type ResourceType } from './resources.ts';
import type { K8sObject, Store } from './store.ts';

export const FOREGROUND_FINALIZER = 'foregroundDeletion';

export interface ForegroundContext {
  store: Store;
  /** Run `fn` after `ms` unless the controllers stopped. */
  later(ms: number, fn: () => void): void;
  /** Delete a dependent the way the garbage collector asks the API server to. */
  deleteDependent(rt: ResourceType, ns: string | undefined, name: string): void;
}

/** Start a foreground delete of `cur`; returns the object as it stands (deletionTimestamp set). */
export function foregroundDelete(ctx: ForegroundContext, rt: ResourceType, cur: K8sObject): K8sObject {
  const { store } = ctx;
  const ns = cur.metadata.namespace;
  const name = cur.metadata.name;
  if (cur.metadata.deletionTimestamp) return cur;
  const next = clone(cur);
  next.metadata.finalizers = [...(cur.metadata.finalizers ?? []), FOREGROUND_FINALIZER];
  store.update(rt, next);
  const marked = store.markDeleting(rt, ns, name, 0);
  const uid = cur.metadata.uid;
  const sweep = () => {
    let left = 0;
    for (const r of RESOURCES) {
      if (!r.namespaced || !ns) continue;
      for (const o of store.list(r, ns)) {
        if (!(o.metadata.ownerReferences ?? []).some((x: { uid?: string }) => x.uid === uid)) continue;
        left++;
        if (!o.metadata.deletionTimestamp)
          try {
            ctx.deleteDependent(r, ns, o.metadata.name);
          } catch {
            /* gone meanwhile */
          }
      }
    }
    const owner = store.get(rt, ns, name);
    if (!owner || owner.metadata.uid !== uid) return;
    if (left) return ctx.later(100, sweep);
    // No dependent left: drop the finalizer; the store removes an object whose last one goes.
    owner.metadata.finalizers = (owner.metadata.finalizers ?? []).filter(
      (f: string) => f !== FOREGROUND_FINALIZER,
    );
    store.update(rt, owner);
  };
  ctx.later(0, sweep);
  return marked;
}
