// Whether a pod's container has a log to serve, as the API server (pkg/registry/core/pod/strategy.go
// LogLocation: no node yet, the container's name) and the kubelet (pkg/kubelet/kubelet_pods.go
// validateContainerLogStatus: a container that never started has none) decide it; the errors are
// 400 BadRequest Status bodies with their messages.
/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects here are arbitrary JSON */
import { ApiError } from './store.ts';

type AnyObj = Record<string, any>;

/** The container whose log is read (the only one when none is named); throws the 400 otherwise. */
export function logContainer(pod: AnyObj, container: string | undefined, previous: boolean): string {
  const name = pod.metadata.name;
  const bad = (message: string) => new ApiError(400, 'BadRequest', message);
  const names: string[] = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].map(
    (c) => c.name,
  );
  let chosen = container;
  if (!chosen) {
    if ((pod.spec?.containers ?? []).length !== 1)
      throw bad(`a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`);
    chosen = pod.spec.containers[0].name as string;
  }
  if (!names.includes(chosen)) throw bad(`container ${chosen} is not valid for pod ${name}`);
  if (!pod.spec?.nodeName) throw bad(`pod ${name} does not have a host assigned`);
  const status = [
    ...(pod.status?.containerStatuses ?? []),
    ...(pod.status?.initContainerStatuses ?? []),
  ].find((s: AnyObj) => s.name === chosen);
  const c = `container "${chosen}" in pod "${name}"`;
  const state: AnyObj = status?.state ?? {};
  const last: AnyObj | undefined = status?.lastState?.terminated;
  if (previous) {
    if (!last?.containerID) throw bad(`previous terminated ${c} not found`);
  } else if (state.running) {
    // served
  } else if (state.terminated) {
    if (!state.terminated.containerID && !last?.containerID) throw bad(`${c} is terminated`);
  } else if (last) {
    if (!last.containerID) throw bad(`${c} is terminated`);
  } else if (state.waiting) {
    const reason = state.waiting.reason;
    if (reason === 'ErrImagePull') throw bad(`${c} is waiting to start: image can't be pulled`);
    if (reason === 'ImagePullBackOff')
      throw bad(`${c} is waiting to start: trying and failing to pull image`);
    throw bad(`${c} is waiting to start: ${reason}`);
  } else throw bad(`${c} is waiting to start - no logs yet`);
  return chosen;
}
