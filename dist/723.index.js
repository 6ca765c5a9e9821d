export const id = 723;
export const ids = [723];
export const modules = {

/***/ 4723:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  envPatchFor: () => (/* binding */ envPatchFor),
  listsOf: () => (/* binding */ listsOf),
  openKubernetesTarget: () => (/* binding */ openKubernetesTarget)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: ./lib/failures.js
var failures = __webpack_require__(4080);
// EXTERNAL MODULE: ./lib/plan.js
var lib_plan = __webpack_require__(5648);
// EXTERNAL MODULE: ./lib/runner/redact.js
var redact = __webpack_require__(981);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./node_modules/@kubernetes/client-node/dist/index.js + 874 modules
var dist = __webpack_require__(2472);
;// CONCATENATED MODULE: ./lib/targets/kubernetes/json.js
// Small helpers for walking Kubernetes objects read as plain JSON. The objects are kept raw (not
// typed client models) so that fields this code does not know survive a read-modify-write intact.
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function asObject(value) {
    return isObject(value) ? value : undefined;
}
function asArray(value) {
    return Array.isArray(value) ? value : undefined;
}
function asString(value) {
    return typeof value === 'string' ? value : undefined;
}
/** Follows a path of keys through nested objects; undefined as soon as a step is missing. */
function dig(value, ...path) {
    let current = value;
    for (const key of path) {
        // Paths step into lists by index ('0'), as in spec.components[0].
        if (Array.isArray(current) && /^\d+$/.test(key))
            current = current[Number(key)];
        else if (isObject(current))
            current = current[key];
        else
            return undefined;
    }
    return current;
}
function stringList(value) {
    return (asArray(value) ?? []).map((v) => (typeof v === 'string' ? v : String(v)));
}
/** Deep copy of JSON data (what the API returns). */
function clone(value) {
    return structuredClone(value);
}

;// CONCATENATED MODULE: ./lib/targets/kubernetes/dgd.js
// Where the frontend lives inside the object the action changes: a DynamoGraphDeployment in
// either served version, or a plain apps/v1 Deployment. Pure: reads raw JSON, returns paths.


const DGD_GROUP = 'nvidia.com';
const DGD_PLURAL = 'dynamographdeployments';
const DGD_VERSIONS = (/* unused pure expression or super */ null && (['v1beta1', 'v1alpha1']));
function dgdRef(namespace, name, version) {
    return { kind: 'dgd', group: DGD_GROUP, version, plural: DGD_PLURAL, namespace, name };
}
function deploymentRef(namespace, name) {
    return { kind: 'deployment', group: 'apps', version: 'v1', plural: 'deployments', namespace, name };
}
/** `dynamographdeployment.nvidia.com/x (v1alpha1), component Frontend`: how the report names it. */
function describeLocation(loc) {
    if (loc.ref.kind === 'deployment')
        return `deployment.apps/${loc.ref.name}, container ${loc.component}`;
    return `dynamographdeployment.nvidia.com/${loc.ref.name} (${loc.ref.version}), component ${loc.component}`;
}
function pathText(path) {
    return path.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : `${i === 0 ? '' : '.'}${p}`)).join('');
}
function frontendPick(candidates, dgdName, service, what) {
    if (candidates.length === 1)
        return candidates[0];
    if (candidates.length > 1 && service) {
        // The operator names the Service `<dgd>-<component in lower case>`.
        const match = candidates.find((c) => `${dgdName}-${c.name.toLowerCase()}` === service);
        if (match)
            return match;
    }
    const names = candidates.map((c) => c.name).join(', ');
    throw new failures/* CheckFailure */.jU('not-found', candidates.length === 0
        ? `${what} has no frontend component (none has the frontend type).`
        : `${what} has several frontend components (${names}); name the one to change with \`service: ${dgdName}-<component>\`.`, candidates.length === 0
        ? 'check that the deployment has a frontend component'
        : 'set the `service` input');
}
function replicasOf(value) {
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 1;
}
/** Finds the frontend of a DGD read in `version`. */
function locateDgdFrontend(obj, ref, service) {
    const name = ref.name;
    const what = `DynamoGraphDeployment ${ref.namespace}/${name}`;
    const podLabels = (component) => ({
        'nvidia.com/dynamo-graph-deployment-name': name,
        'nvidia.com/dynamo-component-type': 'frontend',
        'nvidia.com/dynamo-component': component,
    });
    if (ref.version === 'v1alpha1') {
        const services = asObject(dig(obj, 'spec', 'services')) ?? {};
        const candidates = Object.entries(services)
            .filter(([, s]) => asString(dig(s, 'componentType')) === 'frontend')
            .map(([n, s]) => ({ name: n, spec: s }));
        const picked = frontendPick(candidates, name, service, what);
        const base = ['spec', 'services', picked.name];
        return {
            ref,
            component: picked.name,
            containerName: 'main',
            componentEnvPath: [...base, 'envs'],
            containerEnvPath: [...base, 'extraPodSpec', 'mainContainer', 'env'],
            commandPath: [...base, 'extraPodSpec', 'mainContainer', 'command'],
            argsPath: [...base, 'extraPodSpec', 'mainContainer', 'args'],
            replicas: replicasOf(dig(picked.spec, 'replicas')),
            podLabels: podLabels(picked.name),
        };
    }
    const components = asArray(dig(obj, 'spec', 'components')) ?? [];
    const candidates = components
        .map((c, index) => ({ name: asString(dig(c, 'name')) ?? '', index, spec: c }))
        .filter((c) => asString(dig(c.spec, 'type')) === 'frontend');
    const picked = frontendPick(candidates, name, service, what);
    const containers = asArray(dig(picked.spec, 'podTemplate', 'spec', 'containers')) ?? [];
    let containerIndex = containers.findIndex((c) => asString(dig(c, 'name')) === 'main');
    // No main container yet: the write appends one (the operator merges its defaults into `main`).
    if (containerIndex < 0)
        containerIndex = containers.length;
    const base = [
        'spec',
        'components',
        String(picked.index),
        'podTemplate',
        'spec',
        'containers',
        String(containerIndex),
    ];
    return {
        ref,
        component: picked.name,
        containerName: 'main',
        containerEnvPath: [...base, 'env'],
        commandPath: [...base, 'command'],
        argsPath: [...base, 'args'],
        replicas: replicasOf(dig(picked.spec, 'replicas')),
        podLabels: podLabels(picked.name),
    };
}
function runsFrontend(container) {
    const argv = [...stringList(dig(container, 'command')), ...stringList(dig(container, 'args'))];
    return argv.some((a) => a.includes('dynamo.frontend'));
}
/** Finds the frontend container of a plain Deployment: the one running dynamo.frontend, or the only one. */
function locateDeploymentFrontend(obj, ref) {
    const containers = asArray(dig(obj, 'spec', 'template', 'spec', 'containers')) ?? [];
    let index = containers.findIndex(runsFrontend);
    if (index < 0 && containers.length === 1)
        index = 0;
    if (index < 0) {
        const names = containers.map((c) => asString(dig(c, 'name'))).join(', ');
        throw new failures/* CheckFailure */.jU('not-found', `Deployment ${ref.namespace}/${ref.name} has ${containers.length} containers (${names}) and none runs dynamo.frontend, so the frontend container is unclear.`, 'run the frontend as `python3 -m dynamo.frontend` in one container, or use a DynamoGraphDeployment');
    }
    const base = ['spec', 'template', 'spec', 'containers', String(index)];
    const matchLabels = asObject(dig(obj, 'spec', 'selector', 'matchLabels')) ?? {};
    return {
        ref,
        component: asString(dig(containers[index], 'name')) ?? `container ${index}`,
        containerName: asString(dig(containers[index], 'name')) ?? '',
        containerEnvPath: [...base, 'env'],
        commandPath: [...base, 'command'],
        argsPath: [...base, 'args'],
        replicas: replicasOf(dig(obj, 'spec', 'replicas')),
        podLabels: Object.fromEntries(Object.entries(matchLabels).map(([k, v]) => [k, String(v)])),
    };
}
function locateFrontend(obj, ref, service) {
    return ref.kind === 'deployment'
        ? locateDeploymentFrontend(obj, ref)
        : locateDgdFrontend(obj, ref, service);
}
function envAt(obj, path) {
    if (!path)
        return [];
    return (asArray(dig(obj, ...path)) ?? []).filter(isObject);
}
function argvOf(obj, loc) {
    return { command: stringList(dig(obj, ...loc.commandPath)), args: stringList(dig(obj, ...loc.argsPath)) };
}
/** Sets `value` at `path` in a copy of `obj`, creating missing objects (and a missing `main` container). */
function withValueAt(obj, path, value) {
    const copy = clone(obj);
    let current = copy;
    for (let i = 0; i < path.length - 1; i++) {
        const key = path[i];
        const nextIsIndex = /^\d+$/.test(path[i + 1]);
        if (Array.isArray(current)) {
            const index = Number(key);
            if (current[index] === undefined)
                current[index] = { name: 'main' };
            current = current[index];
            continue;
        }
        const container = current;
        if (container[key] === undefined || container[key] === null)
            container[key] = nextIsIndex ? [] : {};
        current = container[key];
    }
    const last = path[path.length - 1];
    if (Array.isArray(current))
        current[Number(last)] = value;
    else
        current[last] = value;
    return copy;
}
/**
 * The JSON merge patch that carries `paths` of `changed` over to the server. A merge patch
 * replaces whole lists, so where a path crosses a list (v1beta1 components, Deployment
 * containers) the complete list from `changed` (itself built from a fresh read) is sent.
 */
function mergePatchFor(changed, paths, resourceVersion) {
    const patch = { metadata: { resourceVersion } };
    for (const path of paths) {
        let source = changed;
        let target = patch;
        for (let i = 0; i < path.length; i++) {
            const key = path[i];
            const value = source[key];
            if (i === path.length - 1 || Array.isArray(value)) {
                target[key] = clone(value);
                break;
            }
            if (!isObject(target[key]))
                target[key] = {};
            target = target[key];
            source = value;
        }
    }
    return patch;
}
/** The worker components of a DGD with their command line and env (for the KV events decision). */
function workerSpecs(obj, ref) {
    if (ref.kind !== 'dgd')
        return [];
    const out = [];
    if (ref.version === 'v1alpha1') {
        for (const [name, spec] of Object.entries(asObject(dig(obj, 'spec', 'services')) ?? {})) {
            const type = asString(dig(spec, 'componentType')) ?? '';
            if (type === 'frontend' || type === 'planner' || type === 'epp')
                continue;
            const main = dig(spec, 'extraPodSpec', 'mainContainer');
            out.push({
                component: name,
                command: stringList(dig(main, 'command')),
                args: stringList(dig(main, 'args')),
                env: [...envAt(spec, ['envs']), ...envAt((main ?? {}), ['env'])],
            });
        }
        return out;
    }
    for (const component of asArray(dig(obj, 'spec', 'components')) ?? []) {
        const type = asString(dig(component, 'type')) ?? '';
        if (type === 'frontend' || type === 'planner' || type === 'epp')
            continue;
        const containers = asArray(dig(component, 'podTemplate', 'spec', 'containers')) ?? [];
        const main = containers.find((c) => asString(dig(c, 'name')) === 'main') ?? containers[0];
        out.push({
            component: asString(dig(component, 'name')) ?? '?',
            command: stringList(dig(main, 'command')),
            args: stringList(dig(main, 'args')),
            env: envAt((main ?? {}), ['env']),
        });
    }
    return out;
}

;// CONCATENATED MODULE: ./lib/targets/kubernetes/cluster.js
// Credentials and API access: the kubeconfig the credential actions leave behind, the few API
// calls this target makes (each bounded by a timeout), and one mapping from API errors to
// CheckFailure. Objects come back as plain JSON so unknown fields survive a read-modify-write.








const API_TIMEOUT_MS = 15_000;
const SERVICE_ACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';
function unreachable(message, hint) {
    return new failures/* CheckFailure */.jU('cluster-unreachable', message, hint);
}
/**
 * KubeConfig.loadFromDefault's order (KUBECONFIG list, ~/.kube/config, in-cluster service
 * account), minus its silent fallback to http://localhost:8080: no cluster is an error here.
 * KUBECONFIG entries merge as kubectl merges them: the first file to name a thing wins.
 */
function loadCredentials(env = process.env, home = external_node_os_.homedir()) {
    const kc = new dist/* KubeConfig */.ypW();
    let source;
    try {
        const listed = (env.KUBECONFIG ?? '').split(external_node_path_.delimiter).filter(Boolean);
        if (listed.length > 0) {
            const files = listed.filter((f) => (0,external_node_fs_.existsSync)(f));
            if (files.length === 0) {
                throw unreachable(`KUBECONFIG names ${listed.join(', ')}, but no such file exists.`, 'check the step that writes the kubeconfig ran before this one');
            }
            const merged = {
                clusters: [],
                users: [],
                contexts: [],
                currentContext: '',
            };
            for (const file of files) {
                const one = new dist/* KubeConfig */.ypW();
                one.loadFromFile(file);
                merged.currentContext ||= one.getCurrentContext() ?? '';
                for (const c of one.getClusters())
                    if (!merged.clusters.some((x) => x.name === c.name))
                        merged.clusters.push(c);
                for (const u of one.getUsers())
                    if (!merged.users.some((x) => x.name === u.name))
                        merged.users.push(u);
                for (const c of one.getContexts())
                    if (!merged.contexts.some((x) => x.name === c.name))
                        merged.contexts.push(c);
            }
            kc.loadFromOptions(merged);
            source = `KUBECONFIG (${files.join(external_node_path_.delimiter)})`;
        }
        else if (home && (0,external_node_fs_.existsSync)(external_node_path_.join(home, '.kube', 'config'))) {
            kc.loadFromFile(external_node_path_.join(home, '.kube', 'config'));
            source = '~/.kube/config';
        }
        else if (env.KUBERNETES_SERVICE_HOST && (0,external_node_fs_.existsSync)(`${SERVICE_ACCOUNT}/token`)) {
            kc.loadFromCluster();
            source = 'the in-cluster service account';
        }
        else {
            throw unreachable('No Kubernetes cluster is configured: KUBECONFIG is unset, ~/.kube/config does not exist and this is not a pod with a service account.');
        }
    }
    catch (error) {
        if (error instanceof failures/* CheckFailure */.jU)
            throw error;
        throw unreachable(`The kubeconfig could not be read: ${firstLine(error)}.`, 'check the kubeconfig file the credentials step wrote');
    }
    const context = kc.getCurrentContext();
    const cluster = kc.getCurrentCluster();
    if (!context || !cluster) {
        const names = kc.getContexts().map((c) => c.name);
        throw unreachable(`The kubeconfig from ${source} has ${context ? `current-context "${context}", which names no known cluster` : 'no current-context'}${names.length ? ` (contexts: ${names.join(', ')})` : ''}.`, names.length ? `run \`kubectl config use-context ${names[0]}\` in an earlier step` : undefined);
    }
    const namespace = kc.getContextObject(context)?.namespace?.trim() || undefined;
    return { kc, source, server: cluster.server, context, namespace };
}
/**
 * Masks every secret the kubeconfig holds, including tokens an exec or auth-provider plugin
 * returns, before the first request can echo one. Also proves the credentials can be built.
 */
async function maskSecrets(creds, mask) {
    const add = (value) => {
        if (typeof value === 'string' && value.trim().length >= 4)
            mask(value.trim());
    };
    for (const user of creds.kc.getUsers()) {
        add(user.token);
        add(user.password);
        add(user.keyData);
        const config = asObject(dig(user.authProvider, 'config'));
        for (const key of ['access-token', 'id-token', 'refresh-token', 'client-secret'])
            add(config?.[key]);
    }
    const opts = {};
    try {
        await creds.kc.applyToHTTPSOptions(opts);
    }
    catch (error) {
        throw new failures/* CheckFailure */.jU('cluster-unauthorized', `The kubeconfig's credentials could not be obtained: ${firstLine(error)}.`, 'check the credential plugin (exec or auth-provider) the kubeconfig names is installed and logged in');
    }
    const auth = opts.headers?.Authorization ?? opts.headers?.authorization;
    if (auth)
        add(auth.replace(/^(Bearer|Basic)\s+/i, ''));
    if (opts.key)
        add(opts.key.toString());
}
function firstLine(error) {
    const text = error instanceof Error ? error.message : String(error);
    return text.split('\n')[0].replace(/\.$/, '');
}
function statusOf(body) {
    let parsed = body;
    if (typeof body === 'string') {
        try {
            parsed = JSON.parse(body);
        }
        catch {
            return { message: (0,redact/* quote */.hD)(body, 300) };
        }
    }
    return { reason: asString(dig(parsed, 'reason')), message: asString(dig(parsed, 'message')) };
}
const NETWORK_CODES = [
    'ECONNREFUSED',
    'ECONNRESET',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'ETIMEDOUT',
    'EPIPE',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_SOCKET',
];
function causeCode(error) {
    let current = error;
    for (let i = 0; i < 5 && isObject(current); i++) {
        const code = asString(current.code);
        if (code)
            return code;
        current = current.cause;
    }
    return undefined;
}
/**
 * One mapping for every API error: 401, 403 (with the Status message, which names verb and
 * resource), 404, 409, connection/TLS/timeout problems. `what` names the request in words.
 */
function apiFailure(error, what, server, notFoundHint) {
    if (error instanceof failures/* CheckFailure */.jU)
        return error;
    if (error instanceof dist/* ApiException */.UJ4) {
        const status = statusOf(error.body);
        const detail = status.message ? `: ${status.message}` : '';
        switch (error.code) {
            case 401:
                return new failures/* CheckFailure */.jU('cluster-unauthorized', `The Kubernetes API server at ${server} rejected the credentials (401) while trying to ${what}.`);
            case 403:
                return new failures/* CheckFailure */.jU('cluster-forbidden', `Forbidden (403) while trying to ${what}${detail}.`);
            case 404:
                return new failures/* CheckFailure */.jU('not-found', `Not found (404) while trying to ${what}${detail}.`, notFoundHint);
            case 409:
                return new failures/* CheckFailure */.jU('conflict', `Conflict (409) while trying to ${what}${detail}.`);
            default:
                return new failures/* CheckFailure */.jU(error.code >= 500 ? 'cluster-unreachable' : 'bad-input', `The Kubernetes API answered ${error.code}${status.reason ? ` ${status.reason}` : ''} while trying to ${what}${detail}.`, error.code >= 500
                    ? 'retry later; check the API server health'
                    : 'read the message: the server rejected the request');
        }
    }
    const name = isObject(error) ? asString(error.name) : undefined;
    if (name === 'TimeoutError' || name === 'AbortError') {
        return unreachable(`The Kubernetes API server at ${server} did not answer in time while trying to ${what}.`, 'check the cluster is reachable from this runner (VPN, firewall, private endpoint)');
    }
    const code = causeCode(error);
    const message = firstLine(error);
    if (code && /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
        return unreachable(`TLS verification of the Kubernetes API server at ${server} failed (${code}).`, 'check the kubeconfig certificate-authority data matches the cluster');
    }
    if (code && NETWORK_CODES.includes(code)) {
        return unreachable(`The Kubernetes API server at ${server} could not be reached (${code}) while trying to ${what}.`, 'check the cluster is reachable from this runner and the kubeconfig server address is right');
    }
    if (/HTTP protocol is not allowed/.test(message)) {
        return unreachable(`The kubeconfig server ${server} is plain http:// without insecure-skip-tls-verify; the Kubernetes client refuses it.`, 'use the https:// endpoint of the API server');
    }
    return unreachable(`Could not ${what} on ${server}: ${message}.`);
}
// The object-style API takes observable middleware (the client's own small Observable stub).
function middleware(pre) {
    return {
        pre: (ctx) => {
            pre(ctx);
            return new dist/* Observable */.cPK(Promise.resolve(ctx));
        },
        post: (response) => new dist/* Observable */.cPK(Promise.resolve(response)),
    };
}
// Every call is bounded: a hung API server must not eat the job's time.
const timeoutMiddleware = (ms) => middleware((ctx) => ctx.setSignal(AbortSignal.timeout(ms)));
const headerMiddleware = (name, value) => middleware((ctx) => ctx.setHeaderParam(name, value));
// Typed client models use the same field names as the JSON; a round trip drops Date objects.
function plain(value) {
    return JSON.parse(JSON.stringify(value ?? {}));
}
// Answers a busy or restarting API server gives (etcd leader change, APF overload, a proxy in
// front): a read is retried a few times, briefly, honouring Retry-After. Writes are not retried
// here (the conflict-safe update decides), and neither are timeouts (the bound would multiply).
const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);
const READ_ATTEMPTS = 3;
async function retryTransient(call, attempts = READ_ATTEMPTS, sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))) {
    for (let attempt = 1;; attempt++) {
        try {
            return await call();
        }
        catch (error) {
            if (attempt >= attempts || !(error instanceof dist/* ApiException */.UJ4) || !TRANSIENT_STATUS.has(error.code))
                throw error;
            const header = error.headers?.['retry-after'] ?? error.headers?.['Retry-After'];
            const after = Number(header);
            await sleep(Number.isFinite(after) && after > 0 ? Math.min(after * 1000, 5000) : 250 * 2 ** (attempt - 1));
        }
    }
}
function kubeApi(creds, timeoutMs = API_TIMEOUT_MS) {
    const custom = creds.kc.makeApiClient(dist/* CustomObjectsApi */.aVm);
    const core = creds.kc.makeApiClient(dist/* CoreV1Api */.f5Y);
    const apis = creds.kc.makeApiClient(dist/* ApisApi */.kZp);
    const bounded = {
        middleware: [timeoutMiddleware(timeoutMs)],
        middlewareMergeStrategy: 'append',
    };
    const mergePatch = {
        middleware: [timeoutMiddleware(timeoutMs), headerMiddleware('Content-Type', dist/* PatchStrategy */.Qve.MergePatch)],
        middlewareMergeStrategy: 'append',
    };
    const watcher = new dist/* Watch */.ox1(creds.kc);
    return {
        server: creds.server,
        async getObject(ref) {
            return plain(await retryTransient(() => custom.getNamespacedCustomObject({
                group: ref.group,
                version: ref.version,
                namespace: ref.namespace,
                plural: ref.plural,
                name: ref.name,
            }, bounded)));
        },
        async patchObject(ref, patch) {
            return plain(await custom.patchNamespacedCustomObject({
                group: ref.group,
                version: ref.version,
                namespace: ref.namespace,
                plural: ref.plural,
                name: ref.name,
                body: patch,
            }, mergePatch));
        },
        async listObjects(group, version, namespace, plural) {
            const list = await retryTransient(() => custom.listNamespacedCustomObject({ group, version, namespace, plural }, bounded));
            return (asArray(dig(list, 'items')) ?? []).filter(isObject);
        },
        async groupVersions(group) {
            const groups = await retryTransient(() => apis.getAPIVersions(undefined, bounded));
            const found = groups.groups.find((g) => g.name === group);
            if (!found)
                return [];
            const preferred = found.preferredVersion?.version;
            const versions = found.versions.map((v) => v.version);
            return preferred ? [preferred, ...versions.filter((v) => v !== preferred)] : versions;
        },
        async getService(namespace, name) {
            return plain(await retryTransient(() => core.readNamespacedService({ namespace, name }, bounded)));
        },
        async namespaceExists(name) {
            try {
                await retryTransient(() => core.readNamespace({ name }, bounded));
                return true;
            }
            catch (error) {
                return error instanceof dist/* ApiException */.UJ4 && error.code === 404 ? false : undefined;
            }
        },
        async listPods(namespace, selector) {
            const list = await retryTransient(() => core.listNamespacedPod({ namespace, labelSelector: selector }, bounded));
            return { items: list.items.map(plain), resourceVersion: list.metadata?.resourceVersion };
        },
        async listEvents(namespace, involvedName) {
            const list = await retryTransient(() => core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${involvedName}` }, bounded));
            return list.items.map(plain);
        },
        async podLog(namespace, name, container, sinceSeconds) {
            const text = await core.readNamespacedPodLog({ namespace, name, container, sinceSeconds, limitBytes: 8 * 1024 * 1024 }, bounded);
            return typeof text === 'string' ? text : String(text ?? '');
        },
        async watchPods(namespace, selector, resourceVersion, onEvent, done) {
            const controller = await watcher.watch(`/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`, { labelSelector: selector, resourceVersion, allowWatchBookmarks: true }, (type, object) => onEvent({ type, object: isObject(object) ? object : {} }), (error) => done(error ?? undefined));
            return () => controller.abort();
        },
    };
}
/** The DGD versions to try, preferred first (empty when the operator's CRD is not installed). */
async function dgdVersions(api) {
    return (await api.groupVersions(DGD_GROUP)).filter((v) => v === 'v1alpha1' || v === 'v1beta1');
}

;// CONCATENATED MODULE: ./lib/targets/kubernetes/env-change.js
// The env change that selects a router mode, computed on lists read fresh from the server. Only
// the router entries change; every other entry keeps its position and value (valueFrom too).
const MODE_VAR = 'DYN_ROUTER_MODE';
const KV_EVENTS_VAR = 'DYN_ROUTER_USE_KV_EVENTS';
const ROUTER_VARS = [MODE_VAR, KV_EVENTS_VAR];
/** Dynamo reads booleans as true only for true/1/yes/on (any case). */
function envTruthy(value) {
    return ['true', '1', 'yes', 'on'].includes((value ?? '').trim().toLowerCase());
}
function sameEntry(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
}
/** The entry that takes effect for `name`: the container's last, else the component's last. */
function effectiveEntry(lists, name) {
    const last = (list) => [...(list ?? [])].reverse().find((e) => e.name === name);
    return last(lists.container) ?? last(lists.component);
}
/** `mode` undefined leaves DYN_ROUTER_MODE alone (the command line already pins the wanted mode). */
function computeEnvChange(current, mode, kvEvents) {
    const notes = [];
    const set = mode === undefined ? [] : [{ name: MODE_VAR, value: mode }];
    const remove = [];
    const wanted = new Map(mode === undefined ? [] : [[MODE_VAR, mode]]);
    if (kvEvents === 'off') {
        wanted.set(KV_EVENTS_VAR, 'false');
        set.push({ name: KV_EVENTS_VAR, value: 'false' });
    }
    const edit = (list) => {
        const out = [];
        for (const entry of list) {
            if (entry.name === MODE_VAR && mode !== undefined) {
                if (entry.valueFrom !== undefined)
                    notes.push(`${MODE_VAR} came from valueFrom; it is replaced by the literal value ${mode}.`);
                out.push(entry.value === mode && entry.valueFrom === undefined ? entry : { name: MODE_VAR, value: mode });
            }
            else if (entry.name === KV_EVENTS_VAR && kvEvents === 'off') {
                // Any spelling Dynamo reads as false already means approximate mode: keep it as written.
                const alreadyOff = entry.valueFrom === undefined && !envTruthy(entry.value);
                out.push(alreadyOff ? entry : { name: KV_EVENTS_VAR, value: 'false' });
            }
            else if (entry.name === KV_EVENTS_VAR && kvEvents === 'on') {
                if (entry.valueFrom !== undefined) {
                    notes.push(`${KV_EVENTS_VAR} comes from valueFrom and was left alone; if it resolves to false the router runs in approximate mode.`);
                    out.push(entry);
                }
                else if (envTruthy(entry.value)) {
                    out.push(entry);
                }
                else if (!remove.includes(KV_EVENTS_VAR)) {
                    remove.push(KV_EVENTS_VAR);
                }
            }
            else {
                out.push(entry);
            }
        }
        return out;
    };
    const lists = { container: edit(current.container) };
    if (current.component)
        lists.component = edit(current.component);
    // A variable defined nowhere is added where the object keeps its per-component env.
    for (const [name, value] of wanted) {
        const defined = lists.container.some((e) => e.name === name) || (lists.component ?? []).some((e) => e.name === name);
        if (defined)
            continue;
        if (lists.component)
            lists.component.push({ name, value });
        else
            lists.container.push({ name, value });
    }
    const changed = !listsEqual(lists.container, current.container) ||
        (current.component !== undefined && !listsEqual(lists.component ?? [], current.component));
    return { lists, set, remove, changed, notes };
}
function listsEqual(a, b) {
    return a.length === b.length && a.every((e, i) => sameEntry(e, b[i]));
}
/**
 * Puts the router entries of `original` back into `current` at their old positions, leaving
 * any other entry as it is now (another writer may have changed those meanwhile).
 */
function restoreRouterEntries(current, original) {
    const isRouter = (e) => ROUTER_VARS.includes(e.name);
    const out = current.filter((e) => !isRouter(e));
    original.forEach((entry, index) => {
        if (isRouter(entry))
            out.splice(Math.min(index, out.length), 0, entry);
    });
    return out;
}
function restoreLists(current, original) {
    const lists = { container: restoreRouterEntries(current.container, original.container) };
    if (current.component)
        lists.component = restoreRouterEntries(current.component, original.component ?? []);
    const changed = !listsEqual(lists.container, current.container) ||
        (current.component !== undefined && !listsEqual(lists.component ?? [], current.component));
    return { lists, changed };
}
function routerExpectation(lists) {
    return Object.fromEntries(ROUTER_VARS.map((name) => [name, effectiveEntry(lists, name)]));
}
/** True when a pod container's env carries the expected router entries (valueFrom compared loosely). */
function envMatches(podEnv, expected) {
    for (const [name, want] of Object.entries(expected)) {
        const have = [...podEnv].reverse().find((e) => e.name === name);
        if (!want || !have) {
            if (want || have)
                return false;
            continue;
        }
        if (want.valueFrom !== undefined || have.valueFrom !== undefined) {
            if (want.valueFrom === undefined || have.valueFrom === undefined)
                return false;
            continue;
        }
        if ((want.value ?? '') !== (have.value ?? ''))
            return false;
    }
    return true;
}
function describeEntries(entries) {
    return entries
        .map((e) => (e.valueFrom !== undefined ? `${e.name} (valueFrom)` : `${e.name}=${e.value ?? ''}`))
        .join(', ');
}

// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
// EXTERNAL MODULE: ./node_modules/@kubernetes/client-node/dist/web-socket-handler.js
var web_socket_handler = __webpack_require__(9024);
// EXTERNAL MODULE: ./node_modules/ws/wrapper.mjs
var wrapper = __webpack_require__(2977);
;// CONCATENATED MODULE: ./lib/targets/kubernetes/service-port.js
// Service → pod and port, as kube-proxy would pick them: the Service's selector, its HTTP port,
// and the targetPort (a number, or a name looked up in the pod's container ports). Pure.


function selectorOf(labels) {
    return Object.entries(labels ?? {})
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(',');
}
function serviceSelector(service) {
    return selectorOf(asObject(dig(service, 'spec', 'selector')));
}
/** The Service port the frontend answers HTTP on: named `http`, else 8000, else the only one. */
function frontendServicePort(service) {
    const ports = (asArray(dig(service, 'spec', 'ports')) ?? []).filter(isObject);
    const chosen = ports.find((p) => p.name === 'http') ?? ports.find((p) => p.port === 8000) ?? ports[0];
    if (!chosen) {
        throw new failures/* CheckFailure */.jU('port-forward-failed', `Service ${String(dig(service, 'metadata', 'name'))} has no ports.`, 'give the frontend Service an http port (8000)');
    }
    const port = Number(chosen.port);
    const target = chosen.targetPort;
    return {
        port,
        targetPort: typeof target === 'number'
            ? target
            : typeof target === 'string' && target !== ''
                ? /^\d+$/.test(target)
                    ? Number(target)
                    : target
                : port,
        name: asString(chosen.name),
    };
}
function podReady(pod) {
    if (dig(pod, 'metadata', 'deletionTimestamp'))
        return false;
    return (asArray(dig(pod, 'status', 'conditions')) ?? []).some((c) => isObject(c) && c.type === 'Ready' && c.status === 'True');
}
/** The container port a Service targetPort lands on in this pod; undefined when a name is missing. */
function containerPortFor(pod, target) {
    if (typeof target === 'number')
        return target;
    for (const container of (asArray(dig(pod, 'spec', 'containers')) ?? []).filter(isObject)) {
        for (const port of (asArray(container.ports) ?? []).filter(isObject)) {
            if (port.name === target && typeof port.containerPort === 'number')
                return port.containerPort;
        }
    }
    return undefined;
}
/** The newest Ready pod (after a rollout, the new one), with the port to forward to. */
function pickPod(pods, target) {
    const created = (p) => Date.parse(String(dig(p, 'metadata', 'creationTimestamp') ?? '')) || 0;
    const ready = pods.filter(podReady).sort((a, b) => created(b) - created(a));
    for (const pod of ready) {
        const port = containerPortFor(pod, target);
        const name = asString(dig(pod, 'metadata', 'name'));
        if (port !== undefined && name)
            return { pod: name, port };
    }
    return undefined;
}

;// CONCATENATED MODULE: ./lib/targets/kubernetes/forward.js
// In-process port-forward (no kubectl): 127.0.0.1:<free port> → a Ready pod behind the Service.
// One PortForward WebSocket per client connection, the pod re-resolved for each, so a pod
// replaced between check attempts is picked up. client-node surfaces no error or close after
// the socket opens, so both directions are wired here.








function portForwarder(kc, rejections) {
    // Our own `ws` factory: the library's isomorphic-ws default import breaks once bundled. Our own
    // streams: the handler otherwise ends process.stdout when the server closes a stream.
    const streams = { stdin: new external_node_stream_.PassThrough(), stdout: new external_node_stream_.PassThrough(), stderr: new external_node_stream_.PassThrough() };
    const handler = new web_socket_handler/* WebSocketHandler */.w(kc, (uri, protocols, opts) => {
        const ws = new wrapper/* default */.Ay(uri, protocols, opts);
        // Keep the refusal's Status body (it names the verb and resource a 403 lacks); `ws` would
        // only say "Unexpected server response: 403".
        ws.on('unexpected-response', (_req, res) => {
            let body = '';
            let done = false;
            res.setEncoding('utf8');
            res.on('data', (chunk) => {
                if (body.length < 8192)
                    body += chunk;
            });
            const finish = () => {
                if (done)
                    return;
                done = true;
                rejections.set(ws, { status: res.statusCode ?? 0, body });
                ws.terminate();
            };
            res.once('end', finish);
            res.once('close', finish);
            res.once('error', finish);
        });
        return ws;
    }, streams);
    return new dist/* PortForward */.nE4(kc, true, handler);
}
function statusMessage(body) {
    try {
        const message = JSON.parse(body).message;
        return typeof message === 'string' && message ? message : undefined;
    }
    catch {
        return (0,redact/* quote */.hD)(body, 300) || undefined;
    }
}
/** What went wrong opening one forwarded connection, as the failure to report. */
function problemOf(error, rejections, where) {
    if (error instanceof failures/* CheckFailure */.jU)
        return { code: 'port-forward-failed', message: error.message, hint: error.hint };
    const target = error && typeof error === 'object' ? error.target : undefined;
    const rejected = target && typeof target === 'object' ? rejections.get(target) : undefined;
    if (rejected) {
        const message = statusMessage(rejected.body);
        const detail = message ? `: ${message}` : '';
        if (rejected.status === 403)
            return {
                code: 'cluster-forbidden',
                message: `Forbidden (403) while trying to open a port-forward to ${where} (verb create on pods/portforward)${detail}.`,
                hint: 'grant `create` on `pods/portforward` in the namespace to the identity, or set `base-url` to an ingress',
            };
        if (rejected.status === 401)
            return {
                code: 'cluster-unauthorized',
                message: `The API server rejected the credentials (401) for the port-forward to ${where}.`,
            };
        return {
            code: 'port-forward-failed',
            message: `The API server refused the port-forward to ${where} (${rejected.status}${detail}).`,
        };
    }
    return {
        code: 'port-forward-failed',
        message: `The port-forward to ${where} failed: ${describeWsError(error)}.`,
    };
}
/**
 * One request through a fresh forwarded connection: any HTTP answer proves the path to the pod.
 * Resolves false when the connection closed unanswered, true when answered or still pending
 * after `waitMs` (a slow frontend is the check's business, not the forward's).
 */
function probe(port, waitMs) {
    return new Promise((resolve) => {
        const socket = external_node_net_.connect(port, '127.0.0.1');
        let settled = false;
        const settle = (ok) => {
            if (settled)
                return;
            settled = true;
            clearTimeout(timer);
            socket.destroy();
            resolve(ok);
        };
        const timer = setTimeout(() => settle(true), waitMs);
        socket.on('connect', () => socket.write('GET /live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'));
        socket.once('data', () => settle(true));
        socket.on('error', () => settle(false));
        socket.on('close', () => settle(false));
    });
}
/** How long the start-up probe waits for an answer before leaving the judgement to the check. */
const PROBE_WAIT_MS = 5000;
async function resolvePod(api, target) {
    const pods = await api.listPods(target.namespace, target.selector);
    const picked = pickPod(pods.items, target.port.targetPort);
    if (!picked) {
        throw new failures/* CheckFailure */.jU('port-forward-failed', pods.items.length === 0
            ? `No pod matches the selector ${target.selector} of Service ${target.namespace}/${target.service}.`
            : `None of the ${pods.items.length} pod(s) behind Service ${target.namespace}/${target.service} is Ready${typeof target.port.targetPort === 'string' ? ` with a container port named ${target.port.targetPort}` : ''}.`);
    }
    return picked;
}
async function startForward(api, kc, target, log) {
    // Resolve once up front so a missing pod fails the run here, with its reason.
    let last = (await resolvePod(api, target)).pod;
    const rejections = new WeakMap();
    const forwarder = portForwarder(kc, rejections);
    let lastProblem;
    const sockets = new Set();
    const server = external_node_net_.createServer((socket) => {
        sockets.add(socket);
        socket.pause();
        socket.on('error', () => undefined);
        socket.on('close', () => sockets.delete(socket));
        void (async () => {
            try {
                const { pod, port } = await resolvePod(api, target);
                last = pod;
                let failed = false;
                const errors = new external_node_stream_.Writable({
                    write(chunk, _encoding, callback) {
                        // The first frame only carries the port; any text after it is a pod-side failure.
                        const text = chunk.toString('utf8').trim();
                        if (text && !failed) {
                            failed = true;
                            lastProblem = {
                                code: 'port-forward-failed',
                                message: `The port-forward to pod ${target.namespace}/${pod} port ${port} failed: ${text}`,
                                hint: `check that Service ${target.namespace}/${target.service} targets the port the frontend listens on (its containerPort and --http-port / DYN_HTTP_PORT)`,
                            };
                            log(`Port-forward to ${target.namespace}/${pod}:${port} failed: ${text}`);
                            socket.destroy();
                        }
                        callback();
                    },
                });
                const ws = (await forwarder.portForward(target.namespace, pod, [port], socket, errors, socket));
                ws.on('close', () => socket.end());
                ws.on('error', () => socket.destroy());
                socket.on('close', () => {
                    if (ws.readyState === wrapper/* default */.Ay.OPEN || ws.readyState === wrapper/* default */.Ay.CONNECTING)
                        ws.close();
                });
                if (socket.destroyed)
                    ws.close();
                else
                    socket.resume();
            }
            catch (error) {
                lastProblem = problemOf(error, rejections, `pod ${target.namespace}/${last ?? '?'}`);
                log(`Port-forward connection failed: ${lastProblem.message}`);
                socket.destroy();
            }
        })();
    });
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    const close = async () => {
        for (const socket of sockets)
            socket.destroy();
        await new Promise((resolve) => server.close(() => resolve()));
    };
    // Prove the path once before the check: a refused upgrade (403 on pods/portforward) or text on
    // the error channel (nothing listening on the target port) fails here with its real cause,
    // instead of as an unreachable frontend after every retry.
    if (!(await probe(address.port, PROBE_WAIT_MS))) {
        await close();
        const problem = lastProblem ?? {
            code: 'port-forward-failed',
            message: `The port-forward to Service ${target.namespace}/${target.service} closed before the frontend answered.`,
        };
        throw new failures/* CheckFailure */.jU(problem.code, problem.message, problem.hint);
    }
    log(`Port-forward: 127.0.0.1:${address.port} → Service ${target.namespace}/${target.service} (pod port ${String(target.port.targetPort)}), one connection per request.`);
    return {
        url: `http://127.0.0.1:${address.port}`,
        localPort: address.port,
        lastPod: () => last,
        close,
    };
}
function describeWsError(error) {
    if (error && typeof error === 'object' && 'message' in error)
        return String(error.message).split('\n')[0];
    return String(error);
}

// EXTERNAL MODULE: ./lib/args.js
var lib_args = __webpack_require__(3982);
;// CONCATENATED MODULE: ./lib/targets/kubernetes/kubectl.js
// The kubectl commands a person would run to repeat each step by hand. Pure.

function resourceName(ref) {
    return ref.kind === 'deployment'
        ? `deployment/${ref.name}`
        : `${ref.plural}.${ref.version}.${ref.group}/${ref.name}`;
}
function getCommand(ref) {
    return (0,lib_args/* shellJoin */.nZ)(['kubectl', 'get', resourceName(ref), '-n', ref.namespace, '-o', 'yaml']);
}
/** The patch as kubectl would send it; without resourceVersion, which would be stale by then. */
function patchCommand(ref, patch) {
    const { metadata, ...rest } = patch;
    const meta = { ...metadata };
    delete meta.resourceVersion;
    const body = Object.keys(meta).length ? { metadata: meta, ...rest } : rest;
    return (0,lib_args/* shellJoin */.nZ)([
        'kubectl',
        'patch',
        resourceName(ref),
        '-n',
        ref.namespace,
        '--type',
        'merge',
        '-p',
        JSON.stringify(body),
    ]);
}
function watchPodsCommand(namespace, selector) {
    return (0,lib_args/* shellJoin */.nZ)(['kubectl', 'get', 'pods', '-n', namespace, '-l', selector, '-w']);
}
function portForwardCommand(namespace, service, port) {
    return (0,lib_args/* shellJoin */.nZ)(['kubectl', 'port-forward', '-n', namespace, `svc/${service}`, `8000:${port}`]);
}
function listCandidatesCommand(namespace, what) {
    return (0,lib_args/* shellJoin */.nZ)([
        'kubectl',
        'get',
        what === 'dgd' ? 'dynamographdeployments.nvidia.com' : what,
        '-n',
        namespace,
    ]);
}
function curlCommands(baseUrl, model) {
    return [
        (0,lib_args/* shellJoin */.nZ)(['curl', '-sS', `${baseUrl}/v1/models`]),
        (0,lib_args/* shellJoin */.nZ)([
            'curl',
            '-sS',
            `${baseUrl}/v1/chat/completions`,
            '-H',
            'Content-Type: application/json',
            '-d',
            JSON.stringify({
                model: model ?? 'MODEL',
                messages: [{ role: 'user', content: 'Say hello in one short sentence.' }],
                max_tokens: 32,
            }),
        ]),
    ];
}

;// CONCATENATED MODULE: ./lib/targets/kubernetes/pinned-args.js
// Frontend flags beat DYN_* env: a command line that already sets the router mode or KV events
// makes an env change silently useless. Find such flags before anything is written.

const SHELLS = /(^|\/)(ba|da|z)?sh$/;
/** The argv as the container runs it; a `sh -c "<script>"` script is split into words. */
function effectiveArgv(command, args) {
    const argv = [...command, ...args];
    if (argv.length >= 2 && SHELLS.test(argv[0])) {
        const out = [];
        for (const word of argv.slice(1)) {
            try {
                out.push(...(0,lib_args/* splitArgs */.sG)(word));
            }
            catch {
                out.push(word);
            }
        }
        return out;
    }
    return argv;
}
function pinnedFlags(command, args) {
    const argv = effectiveArgv(command, args);
    const state = { flags: [] };
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] = argv[i].includes('=')
            ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)]
            : [argv[i], undefined];
        switch (flag) {
            case '--router-mode': {
                const value = inline ?? argv[i + 1];
                state.flags.push({
                    text: inline !== undefined ? argv[i] : `--router-mode ${value ?? ''}`.trim(),
                    flag,
                    value,
                });
                state.mode = value;
                break;
            }
            case '--router-kv-events':
            case '--kv-events':
                state.flags.push({ text: argv[i], flag });
                state.kvEvents = true;
                break;
            case '--no-router-kv-events':
            case '--no-kv-events':
                state.flags.push({ text: argv[i], flag });
                state.kvEvents = false;
                break;
            case '--load-aware':
                // Load-aware is kv routing without events and without overlap credit: it pins the mode.
                state.flags.push({ text: argv[i], flag });
                state.mode = 'kv';
                state.kvEvents = false;
                break;
        }
    }
    return state;
}
/**
 * Whether an env change can take effect given the pinned flags. `kvEvents` is the wanted events
 * setting for kv mode (true = events, false = approximate).
 */
function judgePinned(pinned, mode, kvEvents, where) {
    if (pinned.flags.length === 0)
        return { ok: true };
    const loadAware = pinned.flags.find((f) => f.flag === '--load-aware');
    if (loadAware) {
        return {
            ok: false,
            message: `The frontend's command line in ${where} has \`--load-aware\`, which pins kv routing without events and overrides DYN_ROUTER_MODE; the env change to ${mode} would have no effect.`,
            hint: `remove \`--load-aware\` from ${where}${mode === 'kv' ? '' : ` (or replace it with \`--router-mode ${mode}\`)`}, then run again`,
        };
    }
    const modeFlag = pinned.flags.find((f) => f.flag === '--router-mode');
    if (modeFlag && pinned.mode !== mode) {
        return {
            ok: false,
            message: `The frontend's command line in ${where} has \`${modeFlag.text}\`, which overrides DYN_ROUTER_MODE; the env change to ${mode} would have no effect.`,
            hint: `change \`${modeFlag.text}\` to \`--router-mode ${mode}\` in ${where}, or remove it so the env applies`,
        };
    }
    const eventsFlag = pinned.flags.find((f) => f.flag !== '--router-mode');
    if (eventsFlag && mode === 'kv' && pinned.kvEvents !== kvEvents) {
        const want = kvEvents ? '--router-kv-events' : '--no-router-kv-events';
        return {
            ok: false,
            message: `The frontend's command line in ${where} has \`${eventsFlag.text}\`, which overrides DYN_ROUTER_USE_KV_EVENTS; kv mode ${kvEvents ? 'with KV events' : 'in approximate mode (no KV events)'} cannot be set through env.`,
            hint: `change \`${eventsFlag.text}\` to \`${want}\` in ${where} (or remove it), or set the \`kv-events\` input to match it`,
        };
    }
    // Only when the flags select exactly the wanted mode is nothing left to do.
    if (modeFlag)
        return { ok: true, alreadyPinned: true };
    return { ok: true };
}

// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var yaml_dist = __webpack_require__(8815);
;// CONCATENATED MODULE: ./lib/targets/kubernetes/recipe.js
// The recipe (a deploy.yaml, often several documents): which DGD it deploys, and, for GitOps,
// the same env change written back into the file with its comments and layout kept.






function recipeFailure(path, problem) {
    return new failures/* CheckFailure */.jU('bad-input', `Input \`recipe\` (${path}): ${problem}`, 'point `recipe` at a deploy.yaml holding exactly one DynamoGraphDeployment');
}
function loadDocuments(path) {
    let text;
    try {
        text = (0,external_node_fs_.readFileSync)(path, 'utf8');
    }
    catch (error) {
        const code = error.code;
        throw recipeFailure(path, code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? 'error'})`);
    }
    const docs = (0,yaml_dist/* parseAllDocuments */.hR)(text);
    if (!Array.isArray(docs))
        throw recipeFailure(path, 'is empty');
    const broken = docs.find((d) => d.errors.length > 0);
    if (broken)
        throw recipeFailure(path, `is not valid YAML (${broken.errors[0].message.split('\n')[0]})`);
    return docs;
}
function readRecipe(path) {
    const docs = loadDocuments(path);
    const found = [];
    docs.forEach((doc, docIndex) => {
        const object = doc.toJS();
        if (!isObject(object) || object.kind !== 'DynamoGraphDeployment')
            return;
        const [group, version] = (asString(object.apiVersion) ?? '').split('/');
        if (group !== DGD_GROUP || (version !== 'v1alpha1' && version !== 'v1beta1')) {
            throw recipeFailure(path, `has a DynamoGraphDeployment with apiVersion ${String(object.apiVersion)}; supported: nvidia.com/v1alpha1, nvidia.com/v1beta1`);
        }
        const name = asString(dig(object, 'metadata', 'name'));
        if (!name)
            throw recipeFailure(path, 'has a DynamoGraphDeployment without metadata.name');
        found.push({
            path,
            name,
            namespace: asString(dig(object, 'metadata', 'namespace')),
            version,
            docIndex,
            object,
        });
    });
    if (found.length !== 1) {
        throw recipeFailure(path, found.length === 0
            ? 'holds no DynamoGraphDeployment'
            : `holds ${found.length} DynamoGraphDeployments (${found.map((f) => f.name).join(', ')}); use one file per deployment or set \`deployment\``);
    }
    return found[0];
}
function yamlPath(path) {
    return path.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}
/** Replaces the env list at `path`, keeping the nodes (and comments) of entries that did not change. */
function writeEnvList(doc, path, next) {
    const node = doc.getIn(yamlPath(path), true);
    if (!(0,yaml_dist/* isSeq */.oP)(node)) {
        doc.setIn(yamlPath(path), doc.createNode(next));
        return;
    }
    const old = node.items.map((item) => ({ item, json: JSON.stringify((0,yaml_dist/* isMap */.jh)(item) ? item.toJSON() : item) }));
    node.items = next.map((entry) => {
        const json = JSON.stringify(entry);
        const index = old.findIndex((o) => o.json === json);
        if (index >= 0)
            return old.splice(index, 1)[0].item;
        return doc.createNode(entry);
    });
}
/** Applies the router env change to the recipe's frontend entry (never the graph-level env). */
function writeRecipe(path, mode, kvEvents, service) {
    const target = readRecipe(path);
    const docs = loadDocuments(path);
    const doc = docs[target.docIndex];
    const loc = locateDgdFrontend(target.object, dgdRef(target.namespace ?? 'default', target.name, target.version), service);
    const lists = { container: envAt(target.object, loc.containerEnvPath) };
    if (loc.componentEnvPath)
        lists.component = envAt(target.object, loc.componentEnvPath);
    const change = computeEnvChange(lists, mode, kvEvents);
    if (!change.changed)
        return { changed: false, set: change.set, remove: change.remove };
    if (loc.componentEnvPath &&
        change.lists.component &&
        JSON.stringify(change.lists.component) !== JSON.stringify(lists.component)) {
        writeEnvList(doc, loc.componentEnvPath, change.lists.component);
    }
    if (JSON.stringify(change.lists.container) !== JSON.stringify(lists.container))
        writeEnvList(doc, loc.containerEnvPath, change.lists.container);
    (0,external_node_fs_.writeFileSync)(path, docs.map((d) => d.toString()).join(''));
    return { changed: true, set: change.set, remove: change.remove };
}

;// CONCATENATED MODULE: ./lib/targets/kubernetes/resolve.js
// Which objects a run works on: namespace, frontend Service and the object that owns the
// frontend (a DGD in the version the recipe or the cluster prefers, or a plain Deployment).





const GRAPH_LABEL = 'nvidia.com/dynamo-graph-deployment-name';
/** Namespace: the input, else the recipe's, else the kubeconfig context's, else `default`. */
function resolveNamespace(k, recipe, contextNamespace) {
    return k.namespace ?? recipe?.namespace ?? contextNamespace ?? 'default';
}
function isNotFound(error) {
    return error instanceof failures/* CheckFailure */.jU && error.code === 'not-found';
}
async function resolveTarget(api, namespace, k, recipe) {
    const server = api.server;
    let versions;
    try {
        versions = await dgdVersions(api);
    }
    catch (error) {
        throw apiFailure(error, 'list the API groups the cluster serves', server);
    }
    let deployment = k.deployment ?? recipe?.name;
    if (!deployment && !k.service)
        deployment = await onlyDgd(api, namespace, versions);
    const serviceName = k.service ?? `${deployment}-frontend`;
    let service;
    try {
        service = await api.getService(namespace, serviceName);
    }
    catch (error) {
        const failure = apiFailure(error, `get Service ${namespace}/${serviceName}`, server);
        if (failure.code !== 'not-found')
            throw failure;
        // A Service is also "not found" in a namespace that does not exist: say which it is.
        if ((await api.namespaceExists?.(namespace)) === false) {
            throw new failures/* CheckFailure */.jU('not-found', `Namespace ${namespace} does not exist. List the namespaces with \`kubectl get namespaces\`.`, "set `namespace` (or the recipe's metadata.namespace) to the namespace the deployment runs in");
        }
        throw new failures/* CheckFailure */.jU('not-found', `Service ${namespace}/${serviceName} does not exist${k.service ? '' : ` (the default name for deployment ${deployment})`}. List the candidates with \`${listCandidatesCommand(namespace, 'svc')}\`.`, `set \`service\` to the frontend Service (the operator names it \`<dgd-name>-frontend\`)`);
    }
    deployment ??= asString(dig(service, 'metadata', 'labels', GRAPH_LABEL));
    if (!deployment)
        deployment = await deploymentBehind(api, namespace, serviceName, service);
    // The recipe's version when the cluster serves it (the same bytes the user wrote), else the preferred.
    const preferred = (recipe && versions.includes(recipe.version) ? recipe.version : versions[0]);
    let ref;
    let object;
    if (preferred) {
        ref = dgdRef(namespace, deployment, preferred);
        try {
            object = await api.getObject(ref);
            // Edit in the version its owner writes it in, so a GitOps diff stays in their vocabulary.
            const authored = recipe ? undefined : authoredVersion(object, versions);
            if (authored && authored !== preferred) {
                ref = dgdRef(namespace, deployment, authored);
                object = await api.getObject(ref);
            }
        }
        catch (error) {
            const failure = apiFailure(error, `get DynamoGraphDeployment ${namespace}/${deployment}`, server);
            if (!isNotFound(failure) || recipe)
                throw notFoundDgd(failure, namespace, deployment);
            object = undefined;
        }
    }
    if (!object) {
        ref = deploymentRef(namespace, deployment);
        try {
            object = await api.getObject(ref);
        }
        catch (error) {
            const failure = apiFailure(error, `get Deployment ${namespace}/${deployment}`, server);
            if (!isNotFound(failure))
                throw failure;
            throw new failures/* CheckFailure */.jU('not-found', `Neither a DynamoGraphDeployment nor a Deployment named ${namespace}/${deployment} exists${preferred ? '' : ' (the Dynamo operator CRD is not installed)'}. List the candidates with \`${listCandidatesCommand(namespace, preferred ? 'dgd' : 'deployments')}\`.`, 'set `deployment` to the DynamoGraphDeployment (or Deployment) that runs the frontend');
        }
    }
    const resolvedRef = ref;
    return {
        namespace,
        serviceName,
        service,
        ref: resolvedRef,
        object,
        loc: locateFrontend(object, resolvedRef, serviceName),
    };
}
/**
 * The DGD version the object's owner wrote it in: the last-applied annotation kubectl apply
 * leaves, else the newest spec write in metadata.managedFields. Undefined when neither says.
 */
function authoredVersion(object, served) {
    const pick = (apiVersion) => {
        const [group, version] = String(apiVersion ?? '').split('/');
        return group === DGD_GROUP && served.includes(version) ? version : undefined;
    };
    const lastApplied = asString(dig(object, 'metadata', 'annotations', 'kubectl.kubernetes.io/last-applied-configuration'));
    if (lastApplied) {
        try {
            const version = pick(JSON.parse(lastApplied).apiVersion);
            if (version)
                return version;
        }
        catch {
            // Not JSON: fall through to managedFields.
        }
    }
    const fields = (asArray(dig(object, 'metadata', 'managedFields')) ?? [])
        .filter(isObject)
        .filter((f) => !f.subresource);
    const time = (f) => Date.parse(String(f.time ?? '')) || 0;
    const newest = fields.sort((a, b) => time(b) - time(a))[0];
    return newest ? pick(newest.apiVersion) : undefined;
}
function notFoundDgd(failure, namespace, name) {
    if (!isNotFound(failure))
        return failure;
    return new failures/* CheckFailure */.jU('not-found', `DynamoGraphDeployment ${namespace}/${name} does not exist. List the candidates with \`${listCandidatesCommand(namespace, 'dgd')}\`.`, 'apply the recipe first, or set `namespace`/`deployment` to where it runs');
}
/** Only a namespace given: the namespace's single DGD, if it has exactly one. */
async function onlyDgd(api, namespace, versions) {
    if (versions.length === 0) {
        throw new failures/* CheckFailure */.jU('bad-input', 'Only `namespace` was given and the cluster has no DynamoGraphDeployment CRD; name the frontend with `deployment` or `service`.', 'set `deployment` or `service`');
    }
    let items;
    try {
        items = await api.listObjects(DGD_GROUP, versions[0], namespace, DGD_PLURAL);
    }
    catch (error) {
        throw apiFailure(error, `list DynamoGraphDeployments in ${namespace}`, api.server);
    }
    const names = items.map((i) => asString(dig(i, 'metadata', 'name')) ?? '?');
    if (names.length === 1)
        return names[0];
    if (names.length === 0 && (await api.namespaceExists?.(namespace)) === false) {
        throw new failures/* CheckFailure */.jU('not-found', `Namespace ${namespace} does not exist. List the namespaces with \`kubectl get namespaces\`.`, "set `namespace` (or the recipe's metadata.namespace) to the namespace the deployment runs in");
    }
    throw new failures/* CheckFailure */.jU(names.length === 0 ? 'not-found' : 'bad-input', names.length === 0
        ? `Namespace ${namespace} has no DynamoGraphDeployment. List them everywhere with \`kubectl get dgd -A\`.`
        : `Namespace ${namespace} has ${names.length} DynamoGraphDeployments (${names.join(', ')}); say which with \`deployment\`.`, 'set `deployment`');
}
/** A Service without the operator's label: the one Deployment whose pods it selects. */
async function deploymentBehind(api, namespace, serviceName, service) {
    const selector = asObject(dig(service, 'spec', 'selector')) ?? {};
    let items;
    try {
        items = await api.listObjects('apps', 'v1', namespace, 'deployments');
    }
    catch (error) {
        throw apiFailure(error, `list Deployments in ${namespace}`, api.server);
    }
    const matches = items.filter((d) => {
        const labels = asObject(dig(d, 'spec', 'template', 'metadata', 'labels')) ?? {};
        return Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
    });
    if (matches.length === 1)
        return asString(dig(matches[0], 'metadata', 'name')) ?? '';
    throw new failures/* CheckFailure */.jU('not-found', `Service ${namespace}/${serviceName} has no ${GRAPH_LABEL} label and ${matches.length === 0 ? 'no' : `${matches.length}`} Deployment(s) match its selector, so the object to change is unclear.`, 'set `deployment` to the DynamoGraphDeployment or Deployment that runs the frontend');
}

;// CONCATENATED MODULE: ./lib/targets/kubernetes/rollout.js
// Has the frontend rolled? Pure judgement over pod objects: which pods already run the new env
// and are Ready, which old ones remain, and, for a stall, the cause in words a person can act on.


function frontendContainer(pod, containerName) {
    const containers = (asArray(dig(pod, 'spec', 'containers')) ?? []).filter(isObject);
    return (containers.find((c) => c.name === containerName) ?? (containers.length === 1 ? containers[0] : undefined));
}
function podView(pod, containerName, expected) {
    const container = frontendContainer(pod, containerName);
    const env = (asArray(container?.env) ?? []).filter(isObject) ?? [];
    const conditions = (asArray(dig(pod, 'status', 'conditions')) ?? []).filter(isObject);
    return {
        name: asString(dig(pod, 'metadata', 'name')) ?? '?',
        phase: asString(dig(pod, 'status', 'phase')) ?? 'Pending',
        ready: conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
        terminating: Boolean(dig(pod, 'metadata', 'deletionTimestamp')),
        current: container !== undefined && envMatches(env, expected),
    };
}
/** Done: enough pods with the new env, all Ready, and no old (or terminating) pod left. */
function assessRollout(pods, replicas) {
    // Finished pods (evicted, completed) serve nothing and are never cleaned up by a rollout.
    const live = pods.filter((p) => p.phase !== 'Failed' && p.phase !== 'Succeeded');
    const fresh = live.filter((p) => p.current && !p.terminating);
    const old = live.filter((p) => !p.current || p.terminating);
    const ready = fresh.filter((p) => p.ready).length;
    const want = Math.max(replicas, 0);
    const done = old.length === 0 && fresh.length >= want && ready === fresh.length && (want > 0 || fresh.length === 0);
    const summary = `${ready}/${Math.max(want, fresh.length)} pod(s) Ready with the new env, ${old.length} old pod(s) remaining${old.length ? ` (${old.map((p) => `${p.name}${p.terminating ? ' terminating' : ''}`).join(', ')})` : ''}`;
    return { done, fresh, old, summary };
}
function eventLine(event) {
    return `${asString(event.reason) ?? 'Event'}: ${(asString(event.message) ?? '').trim()}`;
}
function latest(events, filter) {
    const time = (e) => Date.parse(String(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? '')) || 0;
    return events.filter(filter).sort((a, b) => time(b) - time(a))[0];
}
/** Why one pod is not serving, from its status first and its events second. */
function diagnosePod(pod, events) {
    const name = asString(dig(pod, 'metadata', 'name')) ?? '?';
    const phase = asString(dig(pod, 'status', 'phase')) ?? 'Pending';
    if (dig(pod, 'metadata', 'deletionTimestamp'))
        return `${name} is terminating and has not gone away`;
    const statuses = (asArray(dig(pod, 'status', 'containerStatuses')) ?? []).filter(isObject);
    for (const status of statuses) {
        const waiting = dig(status, 'state', 'waiting');
        const reason = asString(dig(waiting, 'reason'));
        const message = (asString(dig(waiting, 'message')) ?? '').trim();
        if (reason === 'CrashLoopBackOff') {
            const restarts = Number(status.restartCount ?? 0);
            const last = dig(status, 'lastState', 'terminated');
            const exit = dig(last, 'exitCode');
            const lastMessage = (asString(dig(last, 'message')) ?? asString(dig(last, 'reason')) ?? '').trim();
            return `${name} is in CrashLoopBackOff (container ${String(status.name)}, ${restarts} restart(s)${exit !== undefined ? `, last exit code ${String(exit)}` : ''})${lastMessage ? `; last termination message: ${lastMessage}` : ''}`;
        }
        if (reason && /ImagePull|ErrImage|InvalidImageName/.test(reason)) {
            return `${name} cannot pull its image (${reason}${message ? `: ${message}` : ''})`;
        }
        if (reason && reason !== 'ContainerCreating' && reason !== 'PodInitializing') {
            return `${name} is waiting: ${reason}${message ? `: ${message}` : ''}`;
        }
    }
    if (phase === 'Pending') {
        const scheduled = (asArray(dig(pod, 'status', 'conditions')) ?? [])
            .filter(isObject)
            .find((c) => c.type === 'PodScheduled');
        const failed = latest(events, (e) => e.reason === 'FailedScheduling');
        if (failed || scheduled?.status === 'False') {
            const message = (asString(failed?.message) ?? asString(scheduled?.message) ?? '').trim();
            return `${name} is Pending and cannot be scheduled${message ? `: ${message}` : ''}`;
        }
        const warning = latest(events, (e) => e.type === 'Warning');
        return `${name} is Pending${warning ? ` (${eventLine(warning)})` : ' (containers not started yet)'}`;
    }
    const ready = (asArray(dig(pod, 'status', 'conditions')) ?? [])
        .filter(isObject)
        .find((c) => c.type === 'Ready');
    if (phase === 'Running' && ready?.status !== 'True') {
        const unhealthy = latest(events, (e) => e.reason === 'Unhealthy') ?? latest(events, (e) => e.type === 'Warning');
        return `${name} is Running but not Ready${unhealthy ? ` (${eventLine(unhealthy)})` : ' (the readiness probe has not passed)'}`;
    }
    return `${name} is ${phase}`;
}

;// CONCATENATED MODULE: ./lib/targets/kubernetes/rollout-wait.js
// Waits for the frontend rollout with a pod watch: list, then watch from the list's
// resourceVersion; a dropped watch is re-listed and re-watched, a 410 Gone too. Never outlives
// the deadline: the cause of a stall is gathered inside it.



function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
async function waitForRollout(api, target, options) {
    const now = options.now ?? Date.now;
    const started = now();
    const deadline = started + options.timeoutMs;
    // Keep a slice of the budget to read pod events for the diagnosis.
    const reserve = Math.min(3000, options.timeoutMs * 0.1);
    const pods = new Map();
    let state = assessRollout([], target.replicas);
    let stop;
    let finish;
    let lastError;
    let finished = false;
    const evaluate = () => {
        state = assessRollout([...pods.values()].map((p) => podView(p, target.containerName, target.expected)), target.replicas);
        if (state.done)
            finish?.();
    };
    const key = (pod) => asString(dig(pod, 'metadata', 'uid')) ?? asString(dig(pod, 'metadata', 'name')) ?? '';
    const relistAndWatch = async () => {
        while (!finished && now() < deadline - reserve) {
            try {
                const list = await api.listPods(target.namespace, target.selector);
                pods.clear();
                for (const pod of list.items)
                    pods.set(key(pod), pod);
                evaluate();
                if (finished || state.done)
                    return;
                let resourceVersion = list.resourceVersion;
                const ended = new Promise((resolve) => {
                    void api
                        .watchPods(target.namespace, target.selector, resourceVersion, (event) => {
                        if (event.type === 'BOOKMARK') {
                            resourceVersion =
                                asString(dig(event.object, 'metadata', 'resourceVersion')) ?? resourceVersion;
                            return;
                        }
                        if (event.type === 'ERROR') {
                            // 410 Gone (resourceVersion too old) and other watch errors: re-list.
                            stop?.();
                            resolve(new Error(asString(event.object.message) ?? 'watch error'));
                            return;
                        }
                        if (event.type === 'DELETED')
                            pods.delete(key(event.object));
                        else
                            pods.set(key(event.object), event.object);
                        evaluate();
                    }, (error) => resolve(error))
                        .then((s) => {
                        stop = s;
                        if (finished)
                            s();
                    }, resolve);
                });
                lastError = await ended;
            }
            catch (error) {
                lastError = error;
            }
            if (finished)
                return;
            // A dropped watch is normal (server timeouts); pause briefly so a broken one cannot spin.
            await sleep(Math.min(500 + Math.random() * 500, deadline - reserve - now()));
        }
    };
    // The deadline timer is cleared on every way out: a pending timer would keep the action alive.
    let deadlineTimer;
    const progress = setInterval(() => {
        options.log(`Rollout: ${state.summary} (${Math.round((now() - started) / 1000)} s of ${Math.round(options.timeoutMs / 1000)} s).`);
    }, options.progressEveryMs ?? 10_000);
    try {
        await Promise.race([
            new Promise((resolve) => {
                finish = resolve;
                if (state.done)
                    resolve();
            }),
            relistAndWatch(),
            new Promise((resolve) => {
                deadlineTimer = setTimeout(resolve, Math.max(0, deadline - reserve - now()));
            }),
        ]);
    }
    finally {
        finished = true;
        clearTimeout(deadlineTimer);
        clearInterval(progress);
        stop?.();
    }
    evaluate();
    if (state.done) {
        options.log(`Rollout finished in ${Math.round((now() - started) / 100) / 10} s: ${state.summary}.`);
        return { pods: state.fresh.map((p) => p.name), elapsedMs: now() - started };
    }
    const cause = await stallCause(api, target, state, pods, deadline - now());
    const watchNote = lastError && state.fresh.length === 0 && pods.size === 0
        ? ` (last watch problem: ${String(lastError.message ?? lastError)})`
        : '';
    throw new failures/* CheckFailure */.jU('rollout-timeout', `The frontend did not finish rolling out within ${Math.round(options.timeoutMs / 1000)} s: ${cause}. State: ${state.summary}${watchNote}.`, undefined, [{ title: 'Rollout state', text: `${state.summary}\nWatch it yourself: ${target.watchCommand}` }]);
}
async function stallCause(api, target, state, pods, budgetMs) {
    const byName = new Map([...pods.values()].map((p) => [asString(dig(p, 'metadata', 'name')) ?? '', p]));
    const stuck = state.fresh.filter((p) => !p.ready);
    if (stuck.length === 0 && state.fresh.length === 0) {
        if (state.old.length === 0)
            return `no pod matches the selector ${target.selector}`;
        return `no pod with the new env was created: ${target.controller} has not rolled the frontend`;
    }
    if (stuck.length === 0) {
        const terminating = state.old.filter((p) => p.terminating);
        if (terminating.length)
            return `old pod(s) still terminating: ${terminating.map((p) => p.name).join(', ')}`;
        return `old pod(s) still present: ${state.old.map((p) => p.name).join(', ')}`;
    }
    const causes = await Promise.all(stuck.slice(0, 3).map(async (view) => {
        const pod = byName.get(view.name) ?? {};
        let events = [];
        try {
            events = await Promise.race([
                api.listEvents(target.namespace, view.name),
                sleep(Math.max(budgetMs, 500)).then(() => []),
            ]);
        }
        catch {
            // The status alone still says most; events are a bonus.
        }
        return diagnosePod(pod, events);
    }));
    return causes.join('; ');
}

;// CONCATENATED MODULE: ./lib/targets/kubernetes/write.js
// Conflict-safe write: read fresh, compute, merge-patch with metadata.resourceVersion; a 409
// means someone wrote in between, so read again and recompute, a bounded number of times.


function isConflict(error) {
    return ((error instanceof dist/* ApiException */.UJ4 && error.code === 409) ||
        (error instanceof failures/* CheckFailure */.jU && error.code === 'conflict'));
}
const DEFAULT_ATTEMPTS = 5;
async function conflictSafeUpdate(read, compute, write, options) {
    const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
    const delay = options.delayMs ?? ((n) => 100 * 2 ** (n - 1) + Math.random() * 100);
    const sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    for (let attempt = 1;; attempt++) {
        const fresh = await read();
        const computed = compute(fresh);
        if (!computed.patch)
            return { result: computed.result, written: false, attempts: attempt, object: fresh };
        try {
            const object = await write(computed.patch);
            return { result: computed.result, written: true, attempts: attempt, object };
        }
        catch (error) {
            if (!isConflict(error))
                throw error;
            if (attempt >= attempts) {
                throw new failures/* CheckFailure */.jU('conflict', `${options.what} kept changing while this run tried to write it: ${attempts} attempts each met a newer version (409 Conflict). Nothing was written.`);
            }
            await sleep(delay(attempt));
        }
    }
}

;// CONCATENATED MODULE: ./lib/targets/kubernetes/evidence.js
// What the Kubernetes target adds to the evidence and the comparison: the frontend pods' own
// logs (the per-request router_mode lines), and a switcher that moves the frontend between
// modes with the same conflict-safe env write and rollout wait as the main change.

function readyPods(items) {
    return items
        .filter((pod) => {
        const conditions = dig(pod, 'status', 'conditions');
        return (Array.isArray(conditions) &&
            conditions.some((c) => isObject(c) && c.type === 'Ready' && c.status === 'True'));
    })
        .map((pod) => String(dig(pod, 'metadata', 'name') ?? ''))
        .filter(Boolean);
}
/** Logs of the Ready frontend pods since a mark (a wall-clock time; the API counts seconds). */
function podLogSource(api, namespace, selector, container) {
    return {
        mark: async () => Date.now(),
        async since(mark) {
            try {
                const pods = readyPods((await api.listPods(namespace, selector)).items);
                if (pods.length === 0)
                    return { problem: 'no Ready frontend pod to read logs from' };
                const seconds = Math.max(1, Math.ceil((Date.now() - mark) / 1000) + 1);
                const logs = await Promise.all(pods.map((pod) => api.podLog(namespace, pod, container, seconds)));
                return { text: logs.join('\n') };
            }
            catch (error) {
                return {
                    problem: `the frontend pod logs could not be read (${error.message}); reading them needs get on pods/log`,
                };
            }
        },
    };
}
/** A ModeSwitcher from two operations the target already has: set a mode, and restore. */
function kubernetesSwitcher(baseUrl, setMode, restore) {
    return {
        async switchTo(mode) {
            await setMode(mode);
            // The forward resolves a Ready pod for each new connection, so its URL stays valid.
            return baseUrl();
        },
        restore,
    };
}

;// CONCATENATED MODULE: ./lib/targets/kubernetes/workers.js
// `kv-events: auto`: do the workers publish KV cache events? Decided from their command lines,
// the only place engines are told to publish. Pure.

function flagValue(argv, flag) {
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === flag)
            return argv[i + 1] ?? '';
        if (argv[i].startsWith(`${flag}=`))
            return argv[i].slice(flag.length + 1);
    }
    return undefined;
}
function isDecodeOnly(argv) {
    return argv.includes('--is-decode-worker') || flagValue(argv, '--disaggregation-mode') === 'decode';
}
function judgeWorker(worker) {
    const argv = effectiveArgv(worker.command, worker.args);
    const has = (module) => argv.some((a) => a === module || a.endsWith(`/${module}`) || a.includes(`-m ${module}`));
    const v = (engine, publishes, why) => ({
        component: worker.component,
        engine,
        publishes,
        why,
    });
    if (has('dynamo.mocker')) {
        if (isDecodeOnly(argv))
            return v('mocker', 'decode-only', 'a decode-only mocker publishes no KV events');
        if (argv.includes('--no-enable-prefix-caching'))
            return v('mocker', 'no', 'started with --no-enable-prefix-caching, so it publishes no KV events');
        if (flagValue(argv, '--extra-engine-args') !== undefined) {
            return v('mocker', 'unknown', 'its --extra-engine-args file may turn prefix caching (and so KV events) off');
        }
        return v('mocker', 'yes', 'the mocker publishes KV events by default (prefix caching on)');
    }
    if (has('dynamo.vllm')) {
        if (isDecodeOnly(argv))
            return v('vLLM', 'decode-only', 'a decode-only worker');
        const config = flagValue(argv, '--kv-events-config');
        if (config === undefined)
            return v('vLLM', 'no', 'no --kv-events-config: vLLM publishes no KV events by default');
        try {
            const parsed = JSON.parse(config);
            return parsed.enable_kv_cache_events === true
                ? v('vLLM', 'yes', '--kv-events-config has enable_kv_cache_events: true')
                : v('vLLM', 'no', '--kv-events-config without enable_kv_cache_events: true');
        }
        catch {
            return v('vLLM', 'unknown', '--kv-events-config is not JSON this action can read');
        }
    }
    if (has('dynamo.sglang')) {
        if (isDecodeOnly(argv))
            return v('SGLang', 'decode-only', 'a decode-only worker');
        return flagValue(argv, '--kv-events-config') !== undefined
            ? v('SGLang', 'yes', 'started with --kv-events-config')
            : v('SGLang', 'no', 'no --kv-events-config: SGLang publishes no KV events by default');
    }
    if (has('dynamo.trtllm')) {
        return argv.includes('--publish-events-and-metrics')
            ? v('TensorRT-LLM', 'yes', 'started with --publish-events-and-metrics')
            : v('TensorRT-LLM', 'no', 'no --publish-events-and-metrics: TensorRT-LLM publishes no KV events by default');
    }
    return v('unknown', 'unknown', argv.length
        ? 'its command line names no known engine module'
        : 'no command line in the spec (set by the image)');
}
function decideKvEvents(workers) {
    const verdicts = workers.map(judgeWorker);
    const line = (w) => `${w.component} (${w.engine}): ${w.why}`;
    const counted = verdicts.filter((w) => w.publishes !== 'decode-only');
    if (counted.length === 0) {
        return {
            kvEvents: 'unknown',
            reason: `kv-events: auto: no prefill-capable worker found in the spec${verdicts.length ? ` (${verdicts.map(line).join('; ')})` : ''}; the router keeps its default (expects KV events)`,
            workers: verdicts,
        };
    }
    const silent = counted.filter((w) => w.publishes === 'no');
    if (silent.length > 0) {
        return {
            kvEvents: 'false',
            reason: `kv-events: auto decided false (approximate KV mode) because ${silent.map(line).join('; ')}`,
            workers: verdicts,
        };
    }
    const unknown = counted.filter((w) => w.publishes === 'unknown');
    if (unknown.length > 0) {
        return {
            kvEvents: 'unknown',
            reason: `kv-events: auto could not tell for ${unknown.map(line).join('; ')}; the router keeps its default (expects KV events)`,
            workers: verdicts,
        };
    }
    return {
        kvEvents: 'true',
        reason: `kv-events: auto decided true: every worker publishes KV events (${counted.map(line).join('; ')})`,
        workers: verdicts,
    };
}

;// CONCATENATED MODULE: ./lib/targets/kubernetes/index.js
// The Kubernetes target, in the order a person would work: find the frontend, decide the env
// change, write it conflict-safely, wait for the rollout, forward a port, hand over for the check.
















const APPROXIMATE_NOTE = 'Approximate KV mode: the workers publish no KV events, so the router predicts cache contents from its own routing decisions (expiring after --router-ttl-secs, 120 s by default); cache-hit estimates can drift from the workers\u2019 real caches.';
function listsOf(object, loc) {
    const lists = { container: envAt(object, loc.containerEnvPath) };
    if (loc.componentEnvPath)
        lists.component = envAt(object, loc.componentEnvPath);
    return lists;
}
/** The merge patch that writes `lists` into a fresh copy of the object. */
function envPatchFor(fresh, loc, before, after) {
    let changed = fresh;
    const paths = [];
    const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
    if (loc.componentEnvPath && after.component && !same(after.component, before.component)) {
        changed = withList(changed, loc.componentEnvPath, after.component);
        paths.push(loc.componentEnvPath);
    }
    if (!same(after.container, before.container)) {
        changed = withList(changed, loc.containerEnvPath, after.container);
        paths.push(loc.containerEnvPath);
    }
    return { patch: mergePatchFor(changed, paths, metadataVersion(fresh)), paths };
}
function withList(object, path, list) {
    return withValueAt(object, path, list);
}
function metadataVersion(object) {
    const meta = object.metadata;
    return typeof meta?.resourceVersion === 'string' ? meta.resourceVersion : undefined;
}
/** What the frontend runs now, from its args (which win) or its env. */
function currentMode(object, loc) {
    const { command, args } = argvOf(object, loc);
    const pinned = pinnedFlags(command, args);
    const lists = listsOf(object, loc);
    const entry = effectiveEntry(lists, MODE_VAR);
    const events = effectiveEntry(lists, KV_EVENTS_VAR);
    const approximate = pinned.kvEvents === false ||
        (pinned.kvEvents === undefined &&
            events !== undefined &&
            events.valueFrom === undefined &&
            !envTruthy(events.value));
    if (pinned.mode) {
        return {
            mode: pinned.mode,
            reason: `read from the frontend's command line (\`${pinned.flags.map((f) => f.text).join(' ')}\` in ${pathText(loc.argsPath)}), which wins over env`,
            approximate,
        };
    }
    if (entry?.valueFrom !== undefined)
        return {
            mode: '',
            reason: `${MODE_VAR} on the frontend comes from valueFrom, which this action does not resolve`,
            approximate,
        };
    if (entry)
        return {
            mode: entry.value ?? '',
            reason: `read from ${MODE_VAR}=${entry.value ?? ''} on ${describeLocation(loc)}`,
            approximate,
        };
    return {
        mode: 'round-robin',
        reason: `${MODE_VAR} is not set on ${describeLocation(loc)} and no flag pins the mode: Dynamo's default, round-robin`,
        approximate,
    };
}
function decideMode(settings, plan, object, loc, mode) {
    const limitations = [];
    let kvEvents = plan.kvEvents;
    let kvEventsReason = plan.kvEventsReason;
    if (mode === 'kv' && settings.kvEvents === 'auto') {
        const auto = decideKvEvents(workerSpecs(object, loc.ref));
        kvEvents = auto.kvEvents;
        kvEventsReason = auto.reason;
        if (auto.kvEvents === 'unknown') {
            limitations.push('KV events were not confirmed from the worker specs: if the workers publish none, the kv router routes on load alone; set `kv-events: false` for approximate mode.');
        }
    }
    else if (settings.kvEvents !== 'auto') {
        const stated = (0,lib_plan/* kvEventsDecision */.vY)(settings, mode);
        kvEvents = stated.kvEvents;
        kvEventsReason = stated.kvEventsReason;
    }
    const kvWant = mode === 'kv' ? (kvEvents === 'false' ? 'off' : 'on') : 'leave';
    if (kvWant === 'off')
        limitations.push(APPROXIMATE_NOTE);
    const { command, args } = argvOf(object, loc);
    const pinned = pinnedFlags(command, args);
    const verdict = judgePinned(pinned, mode, kvWant !== 'off', pathText(loc.argsPath));
    if (!verdict.ok)
        throw new failures/* CheckFailure */.jU('args-pin-mode', verdict.message ?? 'The frontend args pin the router mode.', verdict.hint);
    const eventsPinned = pinned.kvEvents !== undefined && (kvWant === 'leave' || (kvWant === 'on') === pinned.kvEvents);
    return {
        mode,
        modeReason: verdict.alreadyPinned
            ? `requested by the \`mode\` input; the frontend's command line already pins --router-mode ${mode}, so DYN_ROUTER_MODE is left alone`
            : `requested by the \`mode\` input; applied as ${MODE_VAR}=${mode} on ${describeLocation(loc)} only`,
        kvEvents,
        kvEventsReason,
        kvWant: eventsPinned ? 'leave' : kvWant,
        envMode: verdict.alreadyPinned ? undefined : mode,
        limitations,
    };
}
async function openKubernetesTarget(settings, plan, deps) {
    const k = settings.kubernetes;
    if (!k)
        throw new failures/* CheckFailure */.jU('internal', 'Kubernetes target opened without Kubernetes settings.');
    const log = (line) => deps.log.info(line);
    // Local problems first: a bad recipe fails before any cluster is contacted.
    const recipe = k.recipe ? readRecipe(k.recipe) : undefined;
    const creds = loadCredentials();
    await maskSecrets(creds, deps.mask ?? (() => undefined));
    log(`Kubernetes: context ${creds.context} from ${creds.source}, API server ${creds.server}.`);
    const api = kubeApi(creds);
    const namespace = resolveNamespace(k, recipe, creds.namespace);
    const target = await resolveTarget(api, namespace, k, recipe);
    const { ref, loc, serviceName, service } = target;
    log(`Frontend: ${describeLocation(loc)}; Service ${namespace}/${serviceName}.`);
    const selector = serviceSelector(service) || selectorOf(loc.podLabels);
    const workerSelector = ref.kind === 'dgd'
        ? `nvidia.com/dynamo-graph-deployment-name=${ref.name},nvidia.com/dynamo-component-type!=frontend`
        : undefined;
    const servicePort = frontendServicePort(service);
    const steps = [`# 1. Read the frontend's object\n${getCommand(ref)}`];
    const details = [];
    const limitations = [];
    const session = {
        baseUrl: '',
        service: `${namespace}/${serviceName}`,
        limitations,
        details,
        namespace,
        frontendSelector: selector,
        workerSelector,
        close: async () => undefined,
    };
    const original = listsOf(target.object, loc);
    let written = false;
    let recipeBefore;
    try {
        if (!settings.mode) {
            const now = currentMode(target.object, loc);
            session.mode = now.mode;
            session.modeReason = `no mode requested: ${now.reason}; nothing was changed (check only)`;
            if (now.mode === 'kv' && now.approximate) {
                session.kvEvents = 'false';
                session.kvEventsReason = `the frontend runs approximate KV mode (${KV_EVENTS_VAR} false or --no-router-kv-events)`;
                limitations.push(APPROXIMATE_NOTE);
            }
            else if (now.mode === 'kv' && settings.kvEvents === 'auto') {
                const auto = decideKvEvents(workerSpecs(target.object, ref));
                session.kvEvents = auto.kvEvents;
                session.kvEventsReason = auto.reason;
            }
        }
        else {
            const decision = decideMode(settings, plan, target.object, loc, settings.mode);
            session.mode = decision.mode;
            session.modeReason = decision.modeReason;
            session.kvEvents = decision.kvEvents;
            session.kvEventsReason = decision.kvEventsReason;
            limitations.push(...decision.limitations);
            const planned = computeEnvChange(original, decision.envMode, decision.kvWant);
            limitations.push(...planned.notes);
            const envPatch = {
                object: describeLocation(loc),
                namespace,
                path: '',
                set: planned.set,
                remove: planned.remove,
                changed: planned.changed,
                applied: false,
                dryRun: k.dryRun,
            };
            session.envPatch = envPatch;
            if (k.dryRun) {
                const { patch, paths } = envPatchFor(target.object, loc, original, planned.lists);
                envPatch.path =
                    paths.map(pathText).join(' and ') || pathText(loc.componentEnvPath ?? loc.containerEnvPath);
                const now = currentMode(target.object, loc);
                session.mode = now.mode;
                session.modeReason = `dry run: ${now.reason}; the change to ${settings.mode} was computed but not written`;
                if (planned.changed)
                    steps.push(`# 2. The change (dry run: not applied)\n${patchCommand(ref, patch)}`);
                limitations.push(planned.changed
                    ? `Dry run: nothing was written; the check ran against the frontend as it is (${now.mode || 'unknown mode'}). The patch is shown in the details.`
                    : `Dry run: the frontend already has ${describeEntries(planned.set) || 'the wanted settings'}; nothing would change.`);
            }
            else {
                const wanted = decision;
                const updated = await conflictSafeUpdate(() => api
                    .getObject(ref)
                    .catch((error) => Promise.reject(apiFailure(error, `get ${describeLocation(loc)}`, api.server))), (fresh) => {
                    const freshLoc = locateFrontend(fresh, ref, serviceName);
                    // The args may have changed since the first read: judge them again before writing.
                    decideMode(settings, plan, fresh, freshLoc, wanted.mode);
                    const before = listsOf(fresh, freshLoc);
                    const change = computeEnvChange(before, wanted.envMode, wanted.kvWant);
                    if (!change.changed)
                        return {
                            result: {
                                change,
                                paths: [],
                                patch: undefined,
                                loc: freshLoc,
                            },
                        };
                    const { patch, paths } = envPatchFor(fresh, freshLoc, before, change.lists);
                    return { patch, result: { change, paths, patch, loc: freshLoc } };
                }, 
                // 409 maps to `conflict`, which the update loop retries; anything else ends the run.
                (patch) => api
                    .patchObject(ref, patch)
                    .catch((error) => Promise.reject(apiFailure(error, `patch ${describeLocation(loc)}`, api.server))), { what: describeLocation(loc) });
                const { change, paths, patch } = updated.result;
                written = updated.written;
                envPatch.changed = change.changed;
                envPatch.set = change.set;
                envPatch.remove = change.remove;
                envPatch.applied = written;
                envPatch.path =
                    paths.map(pathText).join(' and ') || pathText(loc.componentEnvPath ?? loc.containerEnvPath);
                if (written && patch) {
                    log(`Patched ${describeLocation(loc)}: ${describeEntries(change.set)}${change.remove.length ? `; removed ${change.remove.join(', ')}` : ''}${updated.attempts > 1 ? ` (after ${updated.attempts - 1} conflict(s))` : ''}.`);
                    steps.push(`# 2. Change the frontend's env (merge patch; the action adds metadata.resourceVersion)\n${patchCommand(ref, patch)}`);
                    steps.push(`# 3. Watch the frontend pods roll\n${watchPodsCommand(namespace, selector)}`);
                    await waitForRollout(api, {
                        namespace,
                        selector,
                        containerName: loc.containerName,
                        expected: routerExpectation(change.lists),
                        replicas: loc.replicas,
                        controller: ref.kind === 'dgd' ? 'the Dynamo operator' : 'the Deployment controller',
                        watchCommand: watchPodsCommand(namespace, selector),
                    }, { timeoutMs: k.rolloutTimeoutMs, log }).catch((error) => Promise.reject(error instanceof failures/* CheckFailure */.jU
                        ? error
                        : apiFailure(error, 'watch the frontend pods', api.server)));
                }
                else {
                    log(`${describeLocation(loc)} already has ${describeEntries(change.set) || 'the wanted settings'}: nothing written, no rollout.`);
                }
                if (k.writeRecipe && k.recipe) {
                    recipeBefore = (0,external_node_fs_.readFileSync)(k.recipe, 'utf8');
                    const edit = writeRecipe(k.recipe, wanted.envMode, wanted.kvWant, serviceName);
                    if (!edit.changed)
                        recipeBefore = undefined;
                    log(edit.changed
                        ? `Recipe ${k.recipe}: frontend env updated (comments kept).`
                        : `Recipe ${k.recipe} already has the change.`);
                    limitations.push(edit.changed
                        ? `The recipe ${k.recipe} was updated on disk; commit it to keep Git and the cluster in step.`
                        : `The recipe ${k.recipe} already had the change.`);
                }
            }
        }
        let forward;
        if (settings.baseUrl) {
            session.baseUrl = settings.baseUrl;
            limitations.push(`The check used ${settings.baseUrl} (base-url) instead of a port-forward; it reaches whatever that URL routes to.`);
        }
        else {
            try {
                forward = await startForward(api, creds.kc, { namespace, service: serviceName, selector, port: servicePort }, log);
            }
            catch (error) {
                throw error instanceof failures/* CheckFailure */.jU
                    ? error
                    : apiFailure(error, `find a Ready pod behind Service ${namespace}/${serviceName}`, api.server);
            }
            session.baseUrl = forward.url;
            steps.push(`# ${steps.length + 1}. Forward a local port to the frontend\n${portForwardCommand(namespace, serviceName, servicePort.port)}`);
        }
        const checkUrl = settings.baseUrl ?? 'http://127.0.0.1:8000';
        steps.push(`# ${steps.length + 1}. Check it\n${curlCommands(checkUrl, settings.model).join('\n')}`);
        details.push({ title: 'Reproduce with kubectl', text: steps.join('\n\n') });
        session.close = async () => {
            await forward?.close().catch(() => undefined);
        };
        session.logs = podLogSource(api, namespace, selector, loc.containerName);
        if (!k.dryRun) {
            const rewrite = (change) => rewriteRouterEnv(api, target, serviceName, selector, change, k.rolloutTimeoutMs, log);
            const setMode = async (mode) => {
                await rewrite((fresh, freshLoc, before) => {
                    const decision = decideMode(settings, plan, fresh, freshLoc, mode);
                    return computeEnvChange(before, decision.envMode, decision.kvWant);
                });
            };
            session.switcher = kubernetesSwitcher(() => session.baseUrl, setMode, 
            // Leave the frontend as the inputs asked: the requested mode, or exactly as it was found.
            async () => {
                if (settings.mode)
                    await setMode(settings.mode);
                else
                    await rewrite((_fresh, _loc, before) => restoreLists(before, original));
            });
        }
        if (k.rollbackOnFailure && written) {
            session.onCheckFailed = async () => {
                await rollBack(api, target, serviceName, selector, original, k.rolloutTimeoutMs, session, log);
                if (recipeBefore !== undefined && k.recipe) {
                    (0,external_node_fs_.writeFileSync)(k.recipe, recipeBefore);
                    log(`Recipe ${k.recipe} restored.`);
                }
            };
        }
        return session;
    }
    catch (error) {
        throw await failedAfterWrite(error);
    }
    /**
     * A failure after the env was written (rollout stall, no Ready pod, forward refused) is still
     * a run that changed the object: report the change with the failure, and with
     * rollback-on-failure restore the previous env first, as after a failed check.
     */
    async function failedAfterWrite(error) {
        if (!written || !session.envPatch)
            return error;
        const failure = error instanceof failures/* CheckFailure */.jU
            ? error
            : apiFailure(error, `finish the change of ${describeLocation(loc)}`, api.server);
        // Superseded: another writer changed the router env since (two pipelines racing). Its
        // change stands (no rollback over it) and the run says so instead of blaming the rollout.
        const patched = session.envPatch;
        const now = await api.getObject(ref).catch(() => undefined);
        if (now) {
            const lists = listsOf(now, locateFrontend(now, ref, serviceName));
            const ours = patched.set.every((e) => effectiveEntry(lists, e.name)?.value === e.value) &&
                patched.remove.every((name) => effectiveEntry(lists, name) === undefined);
            if (!ours) {
                const theirs = effectiveEntry(lists, MODE_VAR)?.value ?? 'unset';
                return Object.assign(new failures/* CheckFailure */.jU('conflict', `${failure.message} Another writer changed ${describeLocation(loc)} meanwhile (${MODE_VAR} is now ${theirs}): this run's change was superseded and is left as the other writer set it.`, 'run again once the other writer has finished; use a `concurrency` group in the workflow', [...failure.details, ...session.details]), { envPatch: patched });
            }
        }
        let note = ` The env change to ${describeLocation(loc)} stays applied (see the env-patch output).`;
        if (k?.rollbackOnFailure) {
            await rollBack(api, target, serviceName, selector, original, k.rolloutTimeoutMs, session, log);
            if (recipeBefore !== undefined && k.recipe) {
                (0,external_node_fs_.writeFileSync)(k.recipe, recipeBefore);
                log(`Recipe ${k.recipe} restored.`);
            }
            note = session.envPatch.rolledBack
                ? ' The previous env was restored (rollback-on-failure).'
                : ` Rollback failed, so the change may still be applied: ${session.details.find((d) => d.title === 'Rollback failed')?.text ?? 'see the log'}.`;
        }
        const reported = new failures/* CheckFailure */.jU(failure.code, `${failure.message}${note}`, failure.hint, [
            ...failure.details,
            ...session.details,
        ]);
        return Object.assign(reported, { envPatch: session.envPatch });
    }
}
/** Rewrites the frontend's router env with a conflict-safe write and waits for the rollout. */
async function rewriteRouterEnv(api, target, serviceName, selector, change, timeoutMs, log, 
/** What an API failure says the run was doing (default: the get or the patch). */
doing) {
    const { ref, loc, namespace } = target;
    const updated = await conflictSafeUpdate(() => api
        .getObject(ref)
        .catch((error) => Promise.reject(apiFailure(error, doing ?? `get ${describeLocation(loc)}`, api.server))), (fresh) => {
        const freshLoc = locateFrontend(fresh, ref, serviceName);
        const before = listsOf(fresh, freshLoc);
        const wanted = change(fresh, freshLoc, before);
        if (!wanted.changed)
            return { result: { lists: wanted.lists, patch: undefined } };
        const { patch } = envPatchFor(fresh, freshLoc, before, wanted.lists);
        return { patch, result: { lists: wanted.lists, patch } };
    }, (patch) => api
        .patchObject(ref, patch)
        .catch((error) => Promise.reject(apiFailure(error, doing ?? `patch ${describeLocation(loc)}`, api.server))), { what: describeLocation(loc) });
    if (!updated.written)
        return { written: false };
    log(`Patched ${describeLocation(loc)}; waiting for the frontend pods to roll …`);
    await waitForRollout(api, {
        namespace,
        selector,
        containerName: loc.containerName,
        expected: routerExpectation(updated.result.lists),
        replicas: loc.replicas,
        controller: ref.kind === 'dgd' ? 'the Dynamo operator' : 'the Deployment controller',
        watchCommand: watchPodsCommand(namespace, selector),
    }, { timeoutMs, log });
    return { written: true, patch: updated.result.patch };
}
async function rollBack(api, target, serviceName, selector, original, timeoutMs, session, log) {
    const { ref, loc } = target;
    log(`Check failed: restoring the previous env of ${describeLocation(loc)} (rollback-on-failure).`);
    try {
        const restored = await rewriteRouterEnv(api, target, serviceName, selector, (_fresh, _loc, before) => restoreLists(before, original), timeoutMs, log, `restore ${describeLocation(loc)}`);
        if (session.envPatch)
            session.envPatch.rolledBack = true;
        session.details.push({
            title: 'Rollback',
            text: `Restored ${describeEntries(original.container.concat(original.component ?? []).filter((e) => e.name === MODE_VAR || e.name === KV_EVENTS_VAR)) || 'the absence of router env entries'} on ${describeLocation(loc)}.${restored.patch ? `\n${patchCommand(ref, restored.patch)}` : ''}`,
        });
        session.limitations.push('The check failed, so the previous router env was restored (rollback-on-failure); the change is reported together with its rollback.');
        log('Rollback finished.');
    }
    catch (error) {
        const failure = error instanceof failures/* CheckFailure */.jU
            ? error
            : apiFailure(error, `restore ${describeLocation(loc)}`, api.server);
        if (session.envPatch)
            session.envPatch.rolledBack = false;
        session.details.push({ title: 'Rollback failed', text: `${failure.code}: ${failure.message}` });
        session.limitations.push(`Rollback failed (${failure.code}): the frontend may still run the new mode. ${failure.message}`);
        log(`Rollback failed: ${failure.message}`);
    }
}


/***/ })

};
