// The API version to edit a DynamoGraphDeployment in: the one its author wrote the frontend in
// (managedFields, kubectl's last-applied-configuration, the recipe file), so that a GitOps diff
// stays in their vocabulary. Pure: reads the object's metadata.

import { DGD_GROUP, FIELD_MANAGER, type DgdVersion } from '../object/dgd.js';
import { asArray, asObject, asString, dig, isObject, type JsonObject } from '../object/json.js';

/** Managers whose writes say nothing about the author's version: the operator and this action. */
const NOT_AUTHORS = new Set([FIELD_MANAGER, 'manager', 'dynamo-operator']);

const isDgdVersion = (v: string | undefined): v is DgdVersion => v === 'v1alpha1' || v === 'v1beta1';

/** The FieldsV1 subtree of the frontend component, in the entry's own version. */
function frontendFields(fields: unknown, version: DgdVersion, component: string): JsonObject | undefined {
  if (version === 'v1alpha1') return asObject(dig(fields, 'f:spec', 'f:services', `f:${component}`));
  return asObject(dig(fields, 'f:spec', 'f:components', `k:${JSON.stringify({ name: component })}`));
}

function ownsEnv(sub: JsonObject, version: DgdVersion): boolean {
  if (version === 'v1alpha1')
    return 'f:envs' in sub || isObject(dig(sub, 'f:extraPodSpec', 'f:mainContainer', 'f:env'));
  const containers = asObject(dig(sub, 'f:podTemplate', 'f:spec', 'f:containers')) ?? {};
  return Object.values(containers).some((c) => isObject(dig(c, 'f:env')));
}

/**
 * The DGD version to edit in, in order: the managedFields entry that owns the frontend's env (else
 * any of the frontend's fields), skipping the operator's and this action's own writes; the
 * `kubectl.kubernetes.io/last-applied-configuration` annotation; the recipe file; v1alpha1, which
 * every operator release serves (current operators store v1beta1 and convert). Only versions the
 * cluster serves count.
 */
export function authoredVersion(
  object: JsonObject,
  served: string[],
  component: string | undefined,
  recipeVersion?: string,
): { version: DgdVersion; reason: string } {
  const servedVersion = (apiVersion: unknown): DgdVersion | undefined => {
    const [group, version] = String(apiVersion ?? '').split('/');
    return group === DGD_GROUP && isDgdVersion(version) && served.includes(version) ? version : undefined;
  };
  const time = (f: JsonObject) => Date.parse(String(f.time ?? '')) || 0;
  const entries = (asArray(dig(object, 'metadata', 'managedFields')) ?? [])
    .filter(isObject)
    .filter((f) => !f.subresource && !NOT_AUTHORS.has(String(f.manager ?? '')))
    .sort((a, b) => time(b) - time(a));
  if (component) {
    const owning = entries.flatMap((f) => {
      const version = servedVersion(f.apiVersion);
      const sub = version ? frontendFields(f.fieldsV1, version, component) : undefined;
      return version && sub ? [{ f, version, env: ownsEnv(sub, version) }] : [];
    });
    const pick = owning.find((o) => o.env) ?? owning[0];
    if (pick)
      return {
        version: pick.version,
        reason: `managedFields: ${String(pick.f.manager)} wrote the frontend's ${pick.env ? 'env' : 'spec'} through ${pick.version}`,
      };
  }
  const lastApplied = asString(
    dig(object, 'metadata', 'annotations', 'kubectl.kubernetes.io/last-applied-configuration'),
  );
  if (lastApplied) {
    try {
      const version = servedVersion((JSON.parse(lastApplied) as JsonObject).apiVersion);
      if (version) return { version, reason: `kubectl's last-applied-configuration is ${version}` };
    } catch {
      // Not JSON: fall through.
    }
  }
  if (isDgdVersion(recipeVersion) && served.includes(recipeVersion))
    return { version: recipeVersion, reason: `the recipe file is ${recipeVersion}` };
  if (served.includes('v1alpha1'))
    return {
      version: 'v1alpha1',
      reason: 'nothing says how it was written: v1alpha1, the version every operator release serves',
    };
  return { version: served[0] as DgdVersion, reason: `the only version served: ${served[0]}` };
}
