// Role-based allow lists for the stand-in: when `rbac.allow` holds a Role's rules, every request the
// rules do not grant is Forbidden, as a real API server with only that Role bound would answer.
// Port-forward is authorized as the pretended server version would: WebSocket upgrades (a GET) need
// `get` on pods/portforward; from 1.35 `create` is checked as well (kubernetes/kubernetes#134577).

import YAML from 'yaml';

/** One rule of a rbac.authorization.k8s.io/v1 Role. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** True when the rules grant `verb` on `resource` (plural or plural/subresource) of `group`. */
export function allowedBy(
  rules: readonly PolicyRule[],
  verb: string,
  group: string,
  resource: string,
  name: string | undefined,
): boolean {
  return rules.some(
    (r) =>
      (r.apiGroups.includes(group) || r.apiGroups.includes('*')) &&
      (r.resources.includes(resource) || r.resources.includes('*')) &&
      (r.verbs.includes(verb) || r.verbs.includes('*')) &&
      (!r.resourceNames?.length || (name !== undefined && r.resourceNames.includes(name))),
  );
}

/** The rules of the (first) Role in a multi-document YAML file, e.g. deploy/rbac.yaml. */
export function roleRules(yamlText: string): PolicyRule[] {
  for (const doc of YAML.parseAllDocuments(yamlText)) {
    const obj = doc.toJS() as { kind?: string; rules?: PolicyRule[] } | null;
    if (obj?.kind === 'Role') return obj.rules ?? [];
  }
  throw new Error('no Role in the given YAML');
}

/** Minor version of a gitVersion such as `v1.35.0-standin`. */
export function minorOf(gitVersion: string): number {
  const m = /^v1\.(\d+)/.exec(gitVersion);
  return m ? Number(m[1]) : 0;
}

/** The verbs a WebSocket port-forward (HTTP GET upgrade) is authorized with on that server version. */
export function portForwardVerbs(gitVersion: string): string[] {
  return minorOf(gitVersion) >= 35 ? ['get', 'create'] : ['get'];
}
