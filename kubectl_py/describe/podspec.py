"""Pod specs as document data: containers, volumes, the pod template (spec sections 5.2-5.4).

Shared by the Pod describer and by every workload with a pod template. Pure: no I/O.
Environment variables carry a value only when it is written literally in the spec; a ``valueFrom``
keeps its reference (and, for ``fieldRef``/``resourceFieldRef``, the value kubectl works out).
Secret and ConfigMap key references are never resolved.
"""

from __future__ import annotations

import math

from .. import quantity

# kubectl's describeVolumes switch order
VOLUME_TYPES = (
    "hostPath",
    "emptyDir",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "secret",
    "configMap",
    "nfs",
    "iscsi",
    "glusterfs",
    "persistentVolumeClaim",
    "ephemeral",
    "rbd",
    "quobyte",
    "downwardAPI",
    "azureDisk",
    "vsphereVolume",
    "cinder",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "cephfs",
    "storageos",
    "fc",
    "azureFile",
    "flexVolume",
    "flocker",
    "projected",
    "csi",
    "image",
)


# -- small pieces -------------------------------------------------------------------------------


def resources(req: dict | None) -> dict:
    """A ResourceRequirements as ``{"limits": {...}, "requests": {...}}`` of quantity records."""
    req = req or {}
    return {
        "limits": quantity.resource_list(req.get("limits")),
        "requests": quantity.resource_list(req.get("requests")),
    }


def controller_of(obj: dict) -> dict | None:
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return {
                "kind": ref.get("kind") or "",
                "name": ref.get("name") or "",
                "apiVersion": ref.get("apiVersion"),
                "uid": ref.get("uid"),
            }
    return None


def seccomp(security_context: dict | None) -> dict | None:
    profile = (security_context or {}).get("seccompProfile")
    if not profile:
        return None
    return {"type": profile.get("type") or "", "localhostProfile": profile.get("localhostProfile")}


def _port(p: dict) -> dict:
    return {
        "name": p.get("name") or None,
        "containerPort": p.get("containerPort") or 0,
        "hostPort": p.get("hostPort") or 0,
        "protocol": p.get("protocol") or "",
    }


def _probe(probe: dict | None) -> dict | None:
    if probe is None:
        return None
    out = {"handler": None, "action": None}
    for key in ("exec", "httpGet", "tcpSocket", "grpc"):
        if probe.get(key) is not None:
            out["handler"] = key
            out["action"] = probe[key]
            break
    for key in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"):
        out[key] = probe.get(key) or 0
    return out


def _state(state: dict | None) -> dict:
    """A container state; kubectl prints an empty state as Waiting."""
    state = state or {}
    if state.get("running") is not None:
        return {"state": "Running", "startedAt": state["running"].get("startedAt")}
    if state.get("waiting") is not None:
        return {
            "state": "Waiting",
            "reason": state["waiting"].get("reason") or None,
            "message": state["waiting"].get("message") or None,
        }
    if state.get("terminated") is not None:
        t = state["terminated"]
        return {
            "state": "Terminated",
            "reason": t.get("reason") or None,
            "message": t.get("message") or None,
            "exitCode": t.get("exitCode") or 0,
            "signal": t.get("signal") or 0,
            "startedAt": t.get("startedAt"),
            "finishedAt": t.get("finishedAt"),
        }
    return {"state": "Waiting", "reason": None, "message": None}


def _field_ref_value(pod: dict | None, field_path: str) -> str:
    """kubectl's ``EnvValueRetriever``: with kubectl's scheme only metadata.name and metadata.namespace
    pass the field-label conversion, so every other path resolves to ``""``."""
    if pod is None:
        return ""
    meta = pod.get("metadata") or {}
    if field_path == "metadata.name":
        return meta.get("name") or ""
    if field_path == "metadata.namespace":
        return meta.get("namespace") or ""
    return ""


def _resource_field_value(ref: dict, container: dict) -> str:
    """kubectl ``ExtractContainerResourceValue``: the container's own value divided by the divisor,
    rounded up; ``""`` for an unsupported resource."""
    res = ref.get("resource") or ""
    divisor = ref.get("divisor")
    try:
        if divisor is None or quantity.parse(divisor)[0] == 0:
            divisor = "1"
        kind, _, name = res.partition(".")
        if kind not in ("limits", "requests"):
            return ""
        values = ((container.get("resources") or {}).get(kind)) or {}
        if name == "cpu":
            amount = quantity.milli_value(values.get("cpu", "0"))
            return str(int(math.ceil(amount / quantity.milli_value(divisor))))
        if name in ("memory", "ephemeral-storage") or name.startswith("hugepages-"):
            amount = quantity.value(values.get(name, "0"))
            return str(int(math.ceil(amount / quantity.value(divisor))))
    except (quantity.QuantityError, ZeroDivisionError):
        return ""
    return ""


def _env(e: dict, container: dict, pod: dict | None) -> dict:
    name = e.get("name") or ""
    source = e.get("valueFrom")
    if source is None:
        return {"name": name, "value": e.get("value") or ""}
    if source.get("fieldRef") is not None:
        ref = source["fieldRef"]
        return {
            "name": name,
            "valueFrom": {
                "fieldRef": {"apiVersion": ref.get("apiVersion") or "", "fieldPath": ref.get("fieldPath") or ""},
                "resolved": _field_ref_value(pod, ref.get("fieldPath") or ""),
            },
        }
    if source.get("resourceFieldRef") is not None:
        ref = source["resourceFieldRef"]
        value = _resource_field_value(ref, container)
        res = ref.get("resource") or ""
        if value == "0" and res in ("limits.cpu", "limits.memory"):
            value = "node allocatable"
        record = {
            "resource": res,
            "containerName": ref.get("containerName") or None,
            "divisor": quantity.record(ref.get("divisor")),
        }
        return {"name": name, "valueFrom": {"resourceFieldRef": record, "resolved": value}}
    for key in ("secretKeyRef", "configMapKeyRef"):
        if source.get(key) is not None:
            ref = source[key]
            return {
                "name": name,
                "valueFrom": {
                    key: {
                        "name": ref.get("name") or "",
                        "key": ref.get("key") or "",
                        "optional": bool(ref.get("optional")),
                    }
                },
            }
    return {"name": name, "valueFrom": {}}


def _env_from(e: dict) -> dict:
    if e.get("configMapRef") is not None:
        kind, ref = "ConfigMap", e["configMapRef"]
    elif e.get("secretRef") is not None:
        kind, ref = "Secret", e["secretRef"]
    else:
        kind, ref = "", {}
    return {
        "name": ref.get("name") or "",
        "kind": kind,
        "prefix": e.get("prefix") or None,
        "optional": bool(ref.get("optional")),
    }


def container(c: dict, status: dict | None, pod: dict | None) -> dict:
    """One container; ``status`` is its container status (None in templates or before it starts)."""
    out = {"name": c.get("name") or ""}
    if status is not None:
        out["containerID"] = status.get("containerID") or ""
    out["image"] = c.get("image") or ""
    if status is not None:
        out["imageID"] = status.get("imageID") or ""
    out["ports"] = [_port(p) for p in c.get("ports") or []]
    out["seccompProfile"] = seccomp(c.get("securityContext"))
    out["command"] = list(c.get("command") or [])
    out["args"] = list(c.get("args") or [])
    if status is not None:
        out["state"] = _state(status.get("state"))
        last = status.get("lastState") or {}
        out["lastState"] = _state(last) if last.get("terminated") is not None else None
        out["ready"] = bool(status.get("ready"))
        out["restartCount"] = status.get("restartCount") or 0
    res = resources(c.get("resources"))
    out["limits"], out["requests"] = res["limits"], res["requests"]
    out["livenessProbe"] = _probe(c.get("livenessProbe"))
    out["readinessProbe"] = _probe(c.get("readinessProbe"))
    out["startupProbe"] = _probe(c.get("startupProbe"))
    out["envFrom"] = [_env_from(e) for e in c.get("envFrom") or []]
    out["env"] = [_env(e, c, pod) for e in c.get("env") or []]
    out["mounts"] = sorted(
        (
            {
                "mountPath": m.get("mountPath") or "",
                "name": m.get("name") or "",
                "readOnly": bool(m.get("readOnly")),
                "subPath": m.get("subPath") or None,
            }
            for m in c.get("volumeMounts") or []
        ),
        key=lambda m: m["mountPath"],
    )
    out["devices"] = sorted(
        ({"devicePath": d.get("devicePath") or "", "name": d.get("name") or ""} for d in c.get("volumeDevices") or []),
        key=lambda d: d["devicePath"],
    )
    return out


def containers(specs: list | None, statuses: list | None, pod: dict | None) -> list:
    by_name = {s.get("name"): s for s in statuses or []}
    return [container(c, by_name.get(c.get("name")), pod) for c in specs or []]


def volume(v: dict) -> dict:
    for key in VOLUME_TYPES:
        if v.get(key) is not None:
            source = dict(v[key])
            if key == "emptyDir" and source.get("sizeLimit") is not None:
                source["sizeLimit"] = quantity.record(source["sizeLimit"])
            return {"name": v.get("name") or "", "type": key, "source": source}
    return {"name": v.get("name") or "", "type": None, "source": None}


def topology_spread(tscs: list | None) -> list:
    out = [
        {
            "topologyKey": t.get("topologyKey") or "",
            "whenUnsatisfiable": t.get("whenUnsatisfiable") or "",
            "maxSkew": t.get("maxSkew") or 0,
            "labelSelector": t.get("labelSelector"),
        }
        for t in tscs or []
    ]
    return sorted(out, key=lambda t: t["topologyKey"])


def scheduling_group(spec: dict) -> dict | None:
    group = spec.get("schedulingGroup")
    if group is None:
        return None
    return {"podGroupName": group.get("podGroupName") or ""}


def build_template(template: dict | None) -> dict | None:
    """``DescribePodTemplate``'s data; None for a missing template (printed ``<unset>``)."""
    if template is None:
        return None
    meta, spec = template.get("metadata") or {}, template.get("spec") or {}
    return {
        "labels": dict(meta.get("labels") or {}),
        "annotations": dict(meta.get("annotations") or {}),
        "serviceAccount": spec.get("serviceAccountName") or None,
        "initContainers": containers(spec.get("initContainers"), None, None),
        "containers": containers(spec.get("containers"), None, None),
        "volumes": [volume(v) for v in spec.get("volumes") or []],
        "topologySpreadConstraints": topology_spread(spec.get("topologySpreadConstraints")),
        "priorityClassName": spec.get("priorityClassName") or None,
        "nodeSelectors": dict(spec.get("nodeSelector") or {}),
        "tolerations": [dict(t) for t in spec.get("tolerations") or []],
        "schedulingGroup": scheduling_group(spec),
    }


# -- QoS ----------------------------------------------------------------------------------------


def _qos_of(req: dict | None) -> str:
    req = req or {}
    requests, limits = req.get("requests") or {}, req.get("limits") or {}
    if not requests and not limits:
        return "BestEffort"
    qos = ""
    for res in ("cpu", "memory"):
        r = quantity.parse(requests[res])[0] if res in requests else 0
        lim = quantity.parse(limits[res])[0] if res in limits else 0
        if r != lim:
            return "Burstable"
        this = "BestEffort" if r == 0 else "Guaranteed"
        if not qos:
            qos = this
        elif qos != this:
            return "Burstable"
    return qos


def qos_class(pod: dict) -> str:
    """kubectl ``qos.GetPodQOS``: the status field, else computed like ``ComputePodQOS``."""
    status_qos = (pod.get("status") or {}).get("qosClass")
    if status_qos:
        return status_qos
    spec = pod.get("spec") or {}
    pod_level = spec.get("resources") or {}
    if any(res in (pod_level.get(k) or {}) for k in ("requests", "limits") for res in ("cpu", "memory")):
        return _qos_of(pod_level)
    qos = ""
    try:
        for c in (spec.get("initContainers") or []) + (spec.get("containers") or []):
            this = _qos_of(c.get("resources"))
            if this == "Burstable":
                return this
            if not qos:
                qos = this
            elif qos != this:
                return "Burstable"
    except quantity.QuantityError:
        return "Burstable"
    return qos or "BestEffort"
