"""The built-in resource types, for resolving type names when there is no server (offline ``-f``).

Live clusters are always resolved through discovery; this table only stands in for it.
Columns: apiVersion, kind, plural, short names, namespaced, categories.
"""

from __future__ import annotations

from .discovery import Discovery, ResourceInfo

_TABLE = """
v1 Binding bindings - ns -
v1 ComponentStatus componentstatuses cs - -
v1 ConfigMap configmaps cm ns -
v1 Endpoints endpoints ep ns -
v1 Event events ev ns -
v1 LimitRange limitranges limits ns -
v1 Namespace namespaces ns - -
v1 Node nodes no - -
v1 PersistentVolumeClaim persistentvolumeclaims pvc ns -
v1 PersistentVolume persistentvolumes pv - -
v1 Pod pods po ns all
v1 PodTemplate podtemplates - ns -
v1 ReplicationController replicationcontrollers rc ns all
v1 ResourceQuota resourcequotas quota ns -
v1 Secret secrets - ns -
v1 ServiceAccount serviceaccounts sa ns -
v1 Service services svc ns all
apps/v1 ControllerRevision controllerrevisions - ns -
apps/v1 DaemonSet daemonsets ds ns all
apps/v1 Deployment deployments deploy ns all
apps/v1 ReplicaSet replicasets rs ns all
apps/v1 StatefulSet statefulsets sts ns all
autoscaling/v2 HorizontalPodAutoscaler horizontalpodautoscalers hpa ns all
batch/v1 CronJob cronjobs cj ns all
batch/v1 Job jobs - ns all
coordination.k8s.io/v1 Lease leases - ns -
discovery.k8s.io/v1 EndpointSlice endpointslices - ns -
events.k8s.io/v1 Event events ev ns -
networking.k8s.io/v1 IngressClass ingressclasses - - -
networking.k8s.io/v1 Ingress ingresses ing ns -
networking.k8s.io/v1 NetworkPolicy networkpolicies netpol ns -
policy/v1 PodDisruptionBudget poddisruptionbudgets pdb ns -
resource.k8s.io/v1 ResourceSlice resourceslices - - -
rbac.authorization.k8s.io/v1 ClusterRoleBinding clusterrolebindings - - -
rbac.authorization.k8s.io/v1 ClusterRole clusterroles - - -
rbac.authorization.k8s.io/v1 RoleBinding rolebindings - ns -
rbac.authorization.k8s.io/v1 Role roles - ns -
scheduling.k8s.io/v1 PriorityClass priorityclasses pc - -
storage.k8s.io/v1 CSIDriver csidrivers - - -
storage.k8s.io/v1 CSINode csinodes - - -
storage.k8s.io/v1 StorageClass storageclasses sc - -
storage.k8s.io/v1 VolumeAttachment volumeattachments - - -
apiextensions.k8s.io/v1 CustomResourceDefinition customresourcedefinitions crd,crds - -
"""


def builtin_resources() -> list:
    out = []
    for line in _TABLE.strip().splitlines():
        api_version, kind, plural, short, scope, categories = line.split()
        group, _, version = api_version.rpartition("/")
        out.append(
            ResourceInfo(
                group=group,
                version=version,
                resource=plural,
                kind=kind,
                namespaced=scope == "ns",
                singular=kind.lower(),
                short_names=() if short == "-" else tuple(short.split(",")),
                categories=() if categories == "-" else tuple(categories.split(",")),
                verbs=("get", "list"),
            )
        )
    return out


def offline_discovery(objects: list) -> Discovery:
    """Built-in types, plus a guess for every other kind the objects hold (custom resources)."""
    resources = builtin_resources()
    known = {(r.group, r.kind) for r in resources}
    for obj in objects:
        group, _, version = (obj.get("apiVersion") or "").rpartition("/")
        kind = obj.get("kind") or ""
        if kind and (group, kind) not in known:
            known.add((group, kind))
            plural = kind.lower() + ("es" if kind.lower().endswith("s") else "s")
            namespaced = bool((obj.get("metadata") or {}).get("namespace"))
            resources.append(
                ResourceInfo(
                    group=group,
                    version=version,
                    resource=plural,
                    kind=kind,
                    namespaced=namespaced,
                    singular=kind.lower(),
                    verbs=("get", "list"),
                )
            )
    return Discovery(resources=resources)
