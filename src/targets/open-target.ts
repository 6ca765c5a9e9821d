// Chooses and opens the target of a run: a URL, a frontend launched here, or a Kubernetes
// deployment. The Kubernetes code (and its large client library) is loaded only when used.

import type { Plan } from '../plan.js';
import type { TargetDeps, TargetSession } from '../session.js';
import type { Settings } from '../settings/settings.js';
import { urlSession } from './url-target.js';
import { launchSession } from './launch/launch-target.js';

export async function openTarget(settings: Settings, plan: Plan, deps: TargetDeps): Promise<TargetSession> {
  switch (plan.target) {
    case 'url':
      return urlSession(plan.baseUrl);
    case 'launch':
      return launchSession(settings, plan, deps);
    case 'kubernetes': {
      const kubernetes = await import('./kubernetes/kubernetes-target.js');
      return kubernetes.openKubernetesTarget(settings, plan, deps);
    }
  }
}
