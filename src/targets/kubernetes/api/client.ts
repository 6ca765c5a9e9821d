// The parts of @kubernetes/client-node 2.x this target uses, each imported from the file that
// defines it instead of the package root. The root re-exports everything (informers, exec, cp,
// metrics, yaml, three copies of the generated API layer …) and ncc keeps every module it
// reaches: it minifies without dead-code removal, and the package does not declare itself free
// of side effects. The floor is config.js: KubeConfig imports the generated index (every API
// class and model). scripts/bundle.mjs pre-bundles this module minified (4.2 MB; the chunk from
// the root was 19.7 MB of unminified source). The package has no "exports" map, so these paths
// are public to Node, TypeScript and ncc alike.
// Skipped on purpose: the root's polyfill.js (a global File for Node 18; this action needs 24).

export { KubeConfig } from '@kubernetes/client-node/dist/config.js';
export { ApisApi, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node/dist/gen/index.js';
export { ApiException } from '@kubernetes/client-node/dist/gen/apis/exception.js';
export { Observable } from '@kubernetes/client-node/dist/gen/rxjsStub.js';
export type { ConfigurationOptions } from '@kubernetes/client-node/dist/gen/configuration.js';
export type { Middleware as ObservableMiddleware } from '@kubernetes/client-node/dist/gen/middleware.js';
export {
  HttpMethod,
  RequestContext,
  ResponseContext,
  SelfDecodingBody,
  wrapHttpLibrary,
} from '@kubernetes/client-node/dist/gen/http/http.js';
export type { HttpLibrary } from '@kubernetes/client-node/dist/gen/http/http.js';
export { PatchStrategy } from '@kubernetes/client-node/dist/patch.js';
export { Watch } from '@kubernetes/client-node/dist/watch.js';
export { PortForward } from '@kubernetes/client-node/dist/portforward.js';
export { WebSocketHandler } from '@kubernetes/client-node/dist/web-socket-handler.js';
