// Which deployment, when the inputs do not name one: the namespace's only DynamoGraphDeployment
// (or, with nothing named and a cluster configured, the kubeconfig context's namespace's), and for
// a Service without the operator's label the one Deployment whose pods it selects.

import { RunFailure } from '../../../model/failure.js';
import { apiFailure } from '../api/api-failure.js';
import type { KubeApi } from '../api/kube-api.js';

import { asObject, asString, dig, type JsonObject } from '../object/json.js';
import { DGD_GROUP, DGD_PLURAL, GRAPH_LABEL } from '../object/dgd.js';

const EVERY_DGD = 'kubectl get dgd -A';
const NAMESPACES = 'kubectl get namespaces';

/** The failure for a namespace that does not exist, with the command that lists those that do. */
export function namespaceMissing(namespace: string): RunFailure {
  return new RunFailure(
    'not-found',
    `Namespace ${namespace} does not exist. List the namespaces with \`${NAMESPACES}\`.`,
    "set `namespace` (or the recipe's metadata.namespace) to the namespace the deployment runs in",
    [],
    { kind: 'missing', list: NAMESPACES },
  );
}

/** What to say when no target was named and the cluster's namespace does not settle it. */
const NAME_THE_TARGET =
  'give `namespace` and `deployment` (or `recipe`) for a DynamoGraphDeployment, `base-url` for a frontend reached by URL, or `launch: true`';

function unnamed(found: string): RunFailure {
  return new RunFailure(
    'bad-input',
    `No target was named (none of \`base-url\`, \`launch\`, \`namespace\`, \`deployment\`, \`service\`, \`recipe\`) and a Kubernetes cluster is configured, so the run looked for the one DynamoGraphDeployment in the kubeconfig context's namespace: ${found}. Nothing was changed.`,
    NAME_THE_TARGET,
  );
}

/**
 * Only a namespace given (or nothing, with a cluster configured: `implicit`): the namespace's
 * single DGD, if it has exactly one.
 */
export async function onlyDgd(
  api: KubeApi,
  namespace: string,
  versions: string[],
  implicit?: boolean,
): Promise<string> {
  if (versions.length === 0) {
    if (implicit)
      throw unnamed('the cluster serves no DynamoGraphDeployment (the Dynamo operator is not installed)');
    throw new RunFailure(
      'bad-input',
      'Only `namespace` was given and the cluster has no DynamoGraphDeployment CRD; name the frontend with `deployment` or `service`.',
      'set `deployment` or `service`',
    );
  }
  let items: JsonObject[];
  try {
    items = await api.listObjects(DGD_GROUP, versions[0], namespace, DGD_PLURAL);
  } catch (error) {
    throw apiFailure(error, `list DynamoGraphDeployments in ${namespace}`, api.server);
  }
  const names = items.map((i) => asString(dig(i, 'metadata', 'name')) ?? '?');
  if (names.length === 1) return names[0];
  if (implicit)
    throw unnamed(
      names.length === 0
        ? `namespace ${namespace} has none`
        : `namespace ${namespace} has ${names.length} (${names.join(', ')})`,
    );
  if (names.length === 0 && (await api.namespaceExists?.(namespace)) === false) {
    throw namespaceMissing(namespace);
  }
  if (names.length === 0)
    throw new RunFailure(
      'not-found',
      `Namespace ${namespace} has no DynamoGraphDeployment. List them everywhere with \`${EVERY_DGD}\`.`,
      'set `deployment`',
      [],
      { kind: 'missing', list: EVERY_DGD },
    );
  throw new RunFailure(
    'bad-input',
    `Namespace ${namespace} has ${names.length} DynamoGraphDeployments (${names.join(', ')}); say which with \`deployment\`.`,
    'set `deployment`',
  );
}

/** A Service without the operator's label: the one Deployment whose pods it selects. */
export async function deploymentBehind(
  api: KubeApi,
  namespace: string,
  serviceName: string,
  service: JsonObject,
): Promise<string> {
  const selector = asObject(dig(service, 'spec', 'selector')) ?? {};
  let items: JsonObject[];
  try {
    items = await api.listObjects('apps', 'v1', namespace, 'deployments');
  } catch (error) {
    throw apiFailure(error, `list Deployments in ${namespace}`, api.server);
  }
  const matches = items.filter((d) => {
    const labels = asObject(dig(d, 'spec', 'template', 'metadata', 'labels')) ?? {};
    return Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
  });
  if (matches.length === 1) return asString(dig(matches[0], 'metadata', 'name')) ?? '';
  throw new RunFailure(
    'not-found',
    `Service ${namespace}/${serviceName} has no ${GRAPH_LABEL} label and ${matches.length === 0 ? 'no' : `${matches.length}`} Deployment(s) match its selector, so the object to change is unclear.`,
    'set `deployment` to the DynamoGraphDeployment or Deployment that runs the frontend',
  );
}
