// Pod volumes as the stand-in's kubelet mounts them: `configMap`, `secret` and `emptyDir` volumes are
// materialised as directories under the pod's work dir (one file per key, `items` and modes honoured,
// Secret values decoded), and a container's mount paths are mapped to them (README "Kubelet"). There
// is no mount namespace: the process sees host paths, so a path in an argument, an env value or
// `workingDir` that starts with a mount path is rewritten to the directory behind it.
/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects here are arbitrary JSON */
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { rtOf } from './controllers.ts';
import type { Store } from './store.ts';

type AnyObj = Record<string, any>;

export interface Mount {
  mountPath: string;
  hostPath: string;
}

/** The kubelet's FailedMount: the pod stays ContainerCreating and the mount is retried. */
export class MountError extends Error {}

/** Materialise the pod's volumes; volume name → host directory. Throws MountError as the kubelet reports it. */
export function mountVolumes(store: Store, pod: AnyObj, podDir: string): Map<string, string> {
  const ns = pod.metadata.namespace;
  const out = new Map<string, string>();
  for (const v of (pod.spec?.volumes ?? []) as AnyObj[]) {
    const dir = join(podDir, 'volumes', v.name);
    const failed = (why: string) =>
      new MountError(`MountVolume.SetUp failed for volume "${v.name}" : ${why}`);
    if (v.emptyDir) {
      mkdirSync(dir, { recursive: true });
      out.set(v.name, dir);
      continue;
    }
    let files: Record<string, Buffer> | undefined;
    let source: AnyObj | undefined;
    if (v.configMap) {
      source = v.configMap;
      const cm = store.get(rtOf('configmaps'), ns, v.configMap.name);
      if (!cm && !v.configMap.optional) throw failed(`configmap "${v.configMap.name}" not found`);
      files = {};
      for (const [k, val] of Object.entries<any>(cm?.data ?? {})) files[k] = Buffer.from(String(val), 'utf8');
      for (const [k, val] of Object.entries<any>(cm?.binaryData ?? {}))
        files[k] = Buffer.from(String(val), 'base64');
    } else if (v.secret) {
      source = v.secret;
      const s = store.get(rtOf('secrets'), ns, v.secret.secretName);
      if (!s && !v.secret.optional) throw failed(`secret "${v.secret.secretName}" not found`);
      files = {};
      for (const [k, val] of Object.entries<any>(s?.data ?? {}))
        files[k] = Buffer.from(String(val), 'base64');
    }
    if (!files || !source) continue; // other volume types are not simulated (no mapping)
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const kind = v.configMap ? 'configmap' : 'secret';
    const items: AnyObj[] = source.items ?? Object.keys(files).map((key) => ({ key, path: key }));
    for (const item of items) {
      const data = files[item.key];
      if (data === undefined) {
        if (source.optional) continue;
        throw failed(`${kind} references non-existent config key: ${item.key}`);
      }
      const file = join(dir, normalize(item.path));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, data);
      chmodSync(file, item.mode ?? source.defaultMode ?? 0o644);
    }
    out.set(v.name, dir);
  }
  return out;
}

/** The container's mounts of materialised volumes (subPath honoured), longest mount path first. */
export function containerMounts(container: AnyObj, volumes: Map<string, string>): Mount[] {
  const out: Mount[] = [];
  for (const m of (container.volumeMounts ?? []) as AnyObj[]) {
    const dir = volumes.get(m.name);
    if (!dir) continue;
    out.push({
      mountPath: m.mountPath.replace(/\/+$/, '') || '/',
      hostPath: m.subPath ? join(dir, m.subPath) : dir,
    });
  }
  return out.sort((a, b) => b.mountPath.length - a.mountPath.length);
}

/** A path under a mount path, as the directory behind it; `--flag=/path` too. Other text unchanged. */
export function mapPath(value: string, mounts: Mount[]): string {
  if (!mounts.length) return value;
  const eq = value.indexOf('=');
  if (!value.startsWith('/') && eq > 0)
    return `${value.slice(0, eq + 1)}${mapPath(value.slice(eq + 1), mounts)}`;
  for (const m of mounts) {
    if (value === m.mountPath) return m.hostPath;
    if (value.startsWith(`${m.mountPath}/`)) return join(m.hostPath, value.slice(m.mountPath.length + 1));
  }
  return value;
}
