"""kubectl's text for pod specs: ``describeContainers``, ``describeVolumes``, ``DescribePodTemplate``,
``describeTopologySpreadConstraints`` (kubectl ``pkg/describe/describe.go``)."""

from __future__ import annotations

from .common import (
    bool_title,
    format_label_selector,
    go_bool,
    go_list,
    go_quote,
    quantity_str,
    rfc1123z,
    write_annotations,
    write_labels,
    write_resource_list,
    write_tolerations,
)

BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class"


# -- containers -----------------------------------------------------------------------------------


def _ports(ports: list, field: str) -> str:
    out = []
    for p in ports:
        text = f"{p.get(field) or 0}/{p.get('protocol') or ''}"
        if p.get("name"):
            text += f" ({p['name']})"
        out.append(text)
    return ", ".join(out)


def _join_host_port(host: str, port: str) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def probe_str(probe: dict) -> str:
    """kubectl ``DescribeProbe``."""
    attrs = (
        f"delay={probe.get('initialDelaySeconds', 0)}s timeout={probe.get('timeoutSeconds', 0)}s "
        f"period={probe.get('periodSeconds', 0)}s successThreshold={probe.get('successThreshold', 0)} "
        f"failureThreshold={probe.get('failureThreshold', 0)}"
    )
    handler, action = probe.get("handler"), probe.get("action") or {}
    if handler == "exec":
        return f"exec {go_list(action.get('command'))} {attrs}"
    if handler == "httpGet":
        scheme = (action.get("scheme") or "").lower()
        host = action.get("host") or ""
        port = "" if action.get("port") is None else str(action.get("port"))
        host = _join_host_port(host, port) if port else host
        path = action.get("path") or ""
        url = ""
        if scheme:
            url += scheme + ":"
        if scheme or host:
            if host or path:
                url += "//"
            url += host
        if path and not path.startswith("/") and host:
            url += "/"
        url += path
        return f"http-get {url} {attrs}"
    if handler == "tcpSocket":
        port = "" if action.get("port") is None else str(action.get("port"))
        return f"tcp-socket {action.get('host') or ''}:{port} {attrs}"
    if handler == "grpc":
        return f"grpc <pod>:{action.get('port') or 0} {action.get('service') or ''} {attrs}"
    return f"unknown {attrs}"


def _state(w, title: str, state: dict) -> None:
    kind = state.get("state")
    if kind == "Running":
        w.line(2, f"{title}:\tRunning")
        w.line(3, f"Started:\t{rfc1123z(state.get('startedAt'))}")
    elif kind == "Terminated":
        w.line(2, f"{title}:\tTerminated")
        if state.get("reason"):
            w.line(3, f"Reason:\t{state['reason']}")
        if state.get("message"):
            w.line(3, f"Message:\t{state['message']}")
        w.line(3, f"Exit Code:\t{state.get('exitCode') or 0}")
        if (state.get("signal") or 0) > 0:
            w.line(3, f"Signal:\t{state['signal']}")
        w.line(3, f"Started:\t{rfc1123z(state.get('startedAt'))}")
        w.line(3, f"Finished:\t{rfc1123z(state.get('finishedAt'))}")
    else:
        w.line(2, f"{title}:\tWaiting")
        if state.get("reason"):
            w.line(3, f"Reason:\t{state['reason']}")


def write_resources(w, level: int, limits: dict | None, requests: dict | None) -> None:
    """``describeResources``: Limits then Requests, sorted, canonical quantities."""
    if limits:
        write_resource_list(w, level, "Limits", limits)
    if requests:
        write_resource_list(w, level, "Requests", requests)


def _env(w, env: list) -> None:
    w.line(2, "Environment:" + ("" if env else "\t<none>"))
    for e in env:
        name = e.get("name") or ""
        if "valueFrom" not in e:
            for i, part in enumerate((e.get("value") or "").split("\n")):
                w.line(3, f"{name}:\t{part}" if i == 0 else f"\t{part}")
            continue
        source = e.get("valueFrom") or {}
        if "fieldRef" in source:
            ref = source["fieldRef"]
            w.line(
                3,
                f"{name}:\t{source.get('resolved') or ''} ({ref.get('apiVersion') or ''}:{ref.get('fieldPath') or ''})",
            )
        elif "resourceFieldRef" in source:
            w.line(3, f"{name}:\t{source.get('resolved') or ''} ({source['resourceFieldRef'].get('resource') or ''})")
        elif "secretKeyRef" in source:
            ref = source["secretKeyRef"]
            w.line(
                3,
                f"{name}:\t<set to the key '{ref['key']}' in secret '{ref['name']}'>\tOptional: {go_bool(ref.get('optional'))}",
            )
        elif "configMapKeyRef" in source:
            ref = source["configMapKeyRef"]
            w.line(
                3,
                f"{name}:\t<set to the key '{ref['key']}' of config map '{ref['name']}'>\tOptional: {go_bool(ref.get('optional'))}",
            )


def _env_from(w, env_from: list) -> None:
    w.line(2, "Environment Variables from:" + ("" if env_from else "\t<none>"))
    for e in env_from:
        opt = go_bool(e.get("optional"))
        if e.get("prefix"):
            w.line(3, f"{e['name']}\t{e['kind']} with prefix '{e['prefix']}'\tOptional: {opt}")
        else:
            w.line(3, f"{e['name']}\t{e['kind']}\tOptional: {opt}")


def _mounts(w, c: dict) -> None:
    mounts = c.get("mounts") or []
    none = "" if mounts else "\t<none>"
    w.line(2, f"Mounts:{none}")
    for m in mounts:
        flags = ["ro" if m.get("readOnly") else "rw"]
        if m.get("subPath"):
            flags.append(f"path={go_quote(m['subPath'])}")
        w.line(3, f"{m['mountPath']} from {m['name']} ({','.join(flags)})")
    devices = c.get("devices") or []
    if devices:
        w.line(2, f"Devices:{none}")
        for d in devices:
            w.line(3, f"{d['devicePath']} from {d['name']}")


def write_container(w, c: dict, space: str = "") -> None:
    has_status = "state" in c
    w.line(1, f"{' ' if space else ''}{c.get('name', '')}:")
    if has_status:
        w.line(2, f"Container ID:\t{c.get('containerID') or ''}")
    w.line(2, f"Image:\t{c.get('image') or ''}")
    if has_status:
        w.line(2, f"Image ID:\t{c.get('imageID') or ''}")
    ports = c.get("ports") or []
    text = _ports(ports, "containerPort")
    w.line(2, f"Ports:\t{text}" if "," in text else f"Port:\t{text or '<none>'}")
    text = _ports(ports, "hostPort")
    w.line(2, f"Host Ports:\t{text}" if "," in text else f"Host Port:\t{text or '<none>'}")
    profile = c.get("seccompProfile")
    if profile:
        w.line(2, f"SeccompProfile:\t{profile.get('type') or ''}")
        if profile.get("type") == "Localhost":
            w.line(3, f"LocalhostProfile:\t{profile.get('localhostProfile') or ''}")
    for title, key in (("Command", "command"), ("Args", "args")):
        if c.get(key):
            w.line(2, f"{title}:")
            for item in c[key]:
                for part in str(item).split("\n"):
                    w.line(3, part)
    if has_status:
        _state(w, "State", c.get("state") or {})
        if c.get("lastState"):
            _state(w, "Last State", c["lastState"])
        w.line(2, f"Ready:\t{bool_title(c.get('ready'))}")
        w.line(2, f"Restart Count:\t{c.get('restartCount') or 0}")
    write_resources(w, 2, c.get("limits"), c.get("requests"))
    for title, key in (("Liveness", "livenessProbe"), ("Readiness", "readinessProbe"), ("Startup", "startupProbe")):
        if c.get(key):
            w.line(2, f"{title}:\t{probe_str(c[key])}")
    if c.get("envFrom"):
        _env_from(w, c["envFrom"])
    _env(w, c.get("env") or [])
    _mounts(w, c)


def write_containers(w, label: str, containers: list, space: str = "") -> None:
    """``describeContainers``: the label line, then each container."""
    w.line(0, f"{space}{label}:{'' if containers else ' <none>'}")
    for c in containers:
        write_container(w, c, space)


# -- volumes --------------------------------------------------------------------------------------


def _go_v(value, kind: str) -> str:
    if kind == "b":
        return go_bool(value)
    if kind == "i":
        return str(value or 0)
    if kind == "l":
        return go_list(value)
    if kind == "p":
        if value is None:
            return "<nil>"
        return "&{" + " ".join(str(v) for v in value.values()) + "}"
    if kind == "m":
        return "map[" + " ".join(f"{k}:{(value or {})[k]}" for k in sorted(value or {})) + "]"
    return "" if value is None else str(value)


_SIMPLE = {
    "gcePersistentDisk": (
        "GCEPersistentDisk (a Persistent Disk resource in Google Compute Engine)",
        [
            ("PDName:", "pdName", "s"),
            ("FSType:", "fsType", "s"),
            ("Partition:", "partition", "i"),
            ("ReadOnly:", "readOnly", "b"),
        ],
    ),
    "awsElasticBlockStore": (
        "AWSElasticBlockStore (a Persistent Disk resource in AWS)",
        [
            ("VolumeID:", "volumeID", "s"),
            ("FSType:", "fsType", "s"),
            ("Partition:", "partition", "i"),
            ("ReadOnly:", "readOnly", "b"),
        ],
    ),
    "gitRepo": (
        "GitRepo (a volume that is pulled from git when the pod is created)",
        [("Repository:", "repository", "s"), ("Revision:", "revision", "s")],
    ),
    "nfs": (
        "NFS (an NFS mount that lasts the lifetime of a pod)",
        [("Server:", "server", "s"), ("Path:", "path", "s"), ("ReadOnly:", "readOnly", "b")],
    ),
    "iscsi": (
        "ISCSI (an ISCSI Disk resource that is attached to a kubelet's host machine and then exposed to the pod)",
        [
            ("TargetPortal:", "targetPortal", "s"),
            ("IQN:", "iqn", "s"),
            ("Lun:", "lun", "i"),
            ("ISCSIInterface", "iscsiInterface", "s"),
            ("FSType:", "fsType", "s"),
            ("ReadOnly:", "readOnly", "b"),
            ("Portals:", "portals", "l"),
            ("DiscoveryCHAPAuth:", "chapAuthDiscovery", "b"),
            ("SessionCHAPAuth:", "chapAuthSession", "b"),
            ("SecretRef:", "secretRef", "p"),
            ("InitiatorName:", "initiatorName", "n"),
        ],
    ),
    "glusterfs": (
        "Glusterfs (a Glusterfs mount on the host that shares a pod's lifetime)",
        [("EndpointsName:", "endpoints", "s"), ("Path:", "path", "s"), ("ReadOnly:", "readOnly", "b")],
    ),
    "persistentVolumeClaim": (
        "PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)",
        [("ClaimName:", "claimName", "s"), ("ReadOnly:", "readOnly", "b")],
    ),
    "rbd": (
        "RBD (a Rados Block Device mount on the host that shares a pod's lifetime)",
        [
            ("CephMonitors:", "monitors", "l"),
            ("RBDImage:", "image", "s"),
            ("FSType:", "fsType", "s"),
            ("RBDPool:", "pool", "s"),
            ("RadosUser:", "user", "s"),
            ("Keyring:", "keyring", "s"),
            ("SecretRef:", "secretRef", "p"),
            ("ReadOnly:", "readOnly", "b"),
        ],
    ),
    "quobyte": (
        "Quobyte (a Quobyte mount on the host that shares a pod's lifetime)",
        [("Registry:", "registry", "s"), ("Volume:", "volume", "s"), ("ReadOnly:", "readOnly", "b")],
    ),
    "azureDisk": (
        "AzureDisk (an Azure Data Disk mount on the host and bind mount to the pod)",
        [
            ("DiskName:", "diskName", "s"),
            ("DiskURI:", "diskURI", "s"),
            ("Kind: ", "kind", "s"),
            ("FSType:", "fsType", "s"),
            ("CachingMode:", "cachingMode", "s"),
            ("ReadOnly:", "readOnly", "b"),
        ],
    ),
    "vsphereVolume": (
        "vSphereVolume (a Persistent Disk resource in vSphere)",
        [
            ("VolumePath:", "volumePath", "s"),
            ("FSType:", "fsType", "s"),
            ("StoragePolicyName:", "storagePolicyName", "s"),
        ],
    ),
    "cinder": (
        "Cinder (a Persistent Disk resource in OpenStack)",
        [
            ("VolumeID:", "volumeID", "s"),
            ("FSType:", "fsType", "s"),
            ("ReadOnly:", "readOnly", "b"),
            ("SecretRef:", "secretRef", "p"),
        ],
    ),
    "photonPersistentDisk": (
        "PhotonPersistentDisk (a Persistent Disk resource in photon platform)",
        [("PdID:", "pdID", "s"), ("FSType:", "fsType", "s")],
    ),
    "portworxVolume": ("PortworxVolume (a Portworx Volume resource)", [("VolumeID:", "volumeID", "s")]),
    "scaleIO": (
        "ScaleIO (a persistent volume backed by a block device in ScaleIO)",
        [
            ("Gateway:", "gateway", "s"),
            ("System:", "system", "s"),
            ("Protection Domain:", "protectionDomain", "s"),
            ("Storage Pool:", "storagePool", "s"),
            ("Storage Mode:", "storageMode", "s"),
            ("VolumeName:", "volumeName", "s"),
            ("FSType:", "fsType", "s"),
            ("ReadOnly:", "readOnly", "b"),
        ],
    ),
    "cephfs": (
        "CephFS (a CephFS mount on the host that shares a pod's lifetime)",
        [
            ("Monitors:", "monitors", "l"),
            ("Path:", "path", "s"),
            ("User:", "user", "s"),
            ("SecretFile:", "secretFile", "s"),
            ("SecretRef:", "secretRef", "p"),
            ("ReadOnly:", "readOnly", "b"),
        ],
    ),
    "storageos": (
        "StorageOS (a StorageOS Persistent Disk resource)",
        [
            ("VolumeName:", "volumeName", "s"),
            ("VolumeNamespace:", "volumeNamespace", "s"),
            ("FSType:", "fsType", "s"),
            ("ReadOnly:", "readOnly", "b"),
        ],
    ),
    "azureFile": (
        "AzureFile (an Azure File Service mount on the host and bind mount to the pod)",
        [("SecretName:", "secretName", "s"), ("ShareName:", "shareName", "s"), ("ReadOnly:", "readOnly", "b")],
    ),
    "flexVolume": (
        "FlexVolume (a generic volume resource that is provisioned/attached using an exec based plugin)",
        [
            ("Driver:", "driver", "s"),
            ("FSType:", "fsType", "s"),
            ("SecretRef:", "secretRef", "p"),
            ("ReadOnly:", "readOnly", "b"),
            ("Options:", "options", "m"),
        ],
    ),
    "flocker": (
        "Flocker (a Flocker volume mounted by the Flocker agent)",
        [("DatasetName:", "datasetName", "s"), ("DatasetUUID:", "datasetUUID", "s")],
    ),
    "image": (
        "Image (a container image or OCI artifact)",
        [("Reference:", "reference", "s"), ("PullPolicy:", "pullPolicy", "s")],
    ),
}


def _optional(source: dict) -> str:
    return go_bool(source.get("optional"))


def _claim_template(w, template: dict) -> None:
    """``printPersistentVolumeClaim`` through kubectl's nested prefix writer (2 levels): every write,
    even one that continues a line, gets the 4-space prefix."""
    meta, spec = template.get("metadata") or {}, template.get("spec") or {}
    annotations = meta.get("annotations") or {}
    klass = (
        annotations.get(BETA_STORAGE_CLASS)
        if BETA_STORAGE_CLASS in annotations
        else (spec.get("storageClassName") or "")
    )
    w.line(2, f"StorageClass:\t{klass}")
    w.line(2, f"Volume:\t{spec.get('volumeName') or ''}")
    labels = meta.get("labels") or {}
    w.write(2, "Labels:\t")
    if not labels:
        w.write(2, "<none>\n")
    for i, key in enumerate(sorted(labels)):
        if i:
            w.write(2, "")
            w.write(2, "\t")
        w.write(2, f"{key}={labels[key]}\n")
    # annotations through the nested writer
    from .common import LAST_APPLIED, MAX_ANNOTATION_LEN, shorten

    w.write(2, "Annotations:\t")
    keys = sorted(k for k in annotations if k != LAST_APPLIED)
    if not keys:
        w.write(2, "<none>\n")
    for i, key in enumerate(keys):
        if i:
            w.write(2, "\t")
        value = str(annotations[key])
        if value.endswith("\n"):
            value = value[:-1]
        if len(value.encode()) + len(key.encode()) + 2 > MAX_ANNOTATION_LEN or "\n" in value:
            w.write(2, f"{key}:\n")
            for part in value.split("\n"):
                w.write(2, f"\t  {shorten(part, MAX_ANNOTATION_LEN - 2)}\n")
        else:
            w.write(2, f"{key}: {value}\n")
    capacity, modes = "", ""
    w.line(2, f"Capacity:\t{capacity}")
    w.line(2, f"Access Modes:\t{modes}")
    if spec.get("volumeMode") is not None:
        w.line(2, f"VolumeMode:\t{spec['volumeMode']}")
    source = spec.get("dataSource")
    if source is not None:
        w.line(2, "DataSource:")
        if source.get("apiGroup") is not None:
            w.line(3, f"APIGroup:\t{source['apiGroup']}")
        w.line(3, f"Kind:\t{source.get('kind') or ''}")
        w.line(3, f"Name:\t{source.get('name') or ''}")


def write_csi_attributes(w, attributes: dict | None) -> None:
    w.write(2, "VolumeAttributes:\t")
    if not attributes:
        w.write(0, "<none>\n")
        return
    for i, key in enumerate(sorted(attributes)):
        if i:
            w.write(2, "")
            w.write(2, "\t")
        line = f"{key}={attributes[key]}"
        raw = line.encode()
        if len(raw) > 140:
            line = raw[:140].decode("utf-8", errors="ignore") + "..."
        w.write(2, line + "\n")


def write_volume_source(w, vtype: str | None, source: dict | None) -> None:
    """One volume's ``Type:`` block at level 2 (``<unknown>`` at level 1 for an unknown type)."""
    s = source or {}
    if vtype == "hostPath":
        w.line(2, "Type:\tHostPath (bare host directory volume)")
        w.line(2, f"Path:\t{s.get('path') or ''}")
        w.line(2, f"HostPathType:\t{s['type'] if s.get('type') is not None else '<none>'}")
    elif vtype == "emptyDir":
        limit = s.get("sizeLimit")
        base = limit.get("base") if isinstance(limit, dict) else None
        size = quantity_str(limit) if limit is not None and (base is None or base > 0) else "<unset>"
        w.line(2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)")
        w.line(2, f"Medium:\t{s.get('medium') or ''}")
        w.line(2, f"SizeLimit:\t{size}")
    elif vtype == "secret":
        w.line(2, "Type:\tSecret (a volume populated by a Secret)")
        w.line(2, f"SecretName:\t{s.get('secretName') or ''}")
        w.line(2, f"Optional:\t{_optional(s)}")
    elif vtype == "configMap":
        w.line(2, "Type:\tConfigMap (a volume populated by a ConfigMap)")
        w.line(2, f"Name:\t{s.get('name') or ''}")
        w.line(2, f"Optional:\t{_optional(s)}")
    elif vtype == "projected":
        w.line(2, "Type:\tProjected (a volume that contains injected data from multiple sources)")
        for src in s.get("sources") or []:
            if src.get("secret") is not None:
                w.line(2, f"SecretName:\t{src['secret'].get('name') or ''}")
                w.line(2, f"Optional:\t{_optional(src['secret'])}")
            elif src.get("downwardAPI") is not None:
                w.line(2, "DownwardAPI:\ttrue")
            elif src.get("configMap") is not None:
                w.line(2, f"ConfigMapName:\t{src['configMap'].get('name') or ''}")
                w.line(2, f"Optional:\t{_optional(src['configMap'])}")
            elif src.get("serviceAccountToken") is not None:
                w.line(2, f"TokenExpirationSeconds:\t{src['serviceAccountToken'].get('expirationSeconds') or 0}")
    elif vtype == "downwardAPI":
        w.line(2, "Type:\tDownwardAPI (a volume populated by information about the pod)")
        w.line(2, "Items:")
        for item in s.get("items") or []:
            if item.get("fieldRef") is not None:
                w.line(3, f"{item['fieldRef'].get('fieldPath') or ''} -> {item.get('path') or ''}")
            if item.get("resourceFieldRef") is not None:
                w.line(3, f"{item['resourceFieldRef'].get('resource') or ''} -> {item.get('path') or ''}")
    elif vtype == "ephemeral":
        w.line(
            2,
            "Type:\tEphemeralVolume (an inline specification for a volume that gets created and deleted with the pod)",
        )
        if s.get("volumeClaimTemplate") is not None:
            _claim_template(w, s["volumeClaimTemplate"])
    elif vtype == "fc":
        lun = "<none>" if s.get("lun") is None else str(s["lun"])
        w.line(2, "Type:\tFC (a Fibre Channel disk)")
        w.line(2, f"TargetWWNs:\t{', '.join(s.get('targetWWNs') or [])}")
        w.line(2, f"LUN:\t{lun}")
        w.line(2, f"FSType:\t{s.get('fsType') or ''}")
        w.line(2, f"ReadOnly:\t{go_bool(s.get('readOnly'))}")
    elif vtype == "csi":
        w.line(2, "Type:\tCSI (a Container Storage Interface (CSI) volume source)")
        w.line(2, f"Driver:\t{s.get('driver') or ''}")
        w.line(2, f"FSType:\t{s.get('fsType') or ''}")
        w.line(2, f"ReadOnly:\t{go_bool(s.get('readOnly'))}")
        write_csi_attributes(w, s.get("volumeAttributes"))
    elif vtype in _SIMPLE:
        header, fields = _SIMPLE[vtype]
        w.line(2, f"Type:\t{header}")
        for label, key, kind in fields:
            if kind == "n":
                value = s.get(key) if s.get(key) is not None else "<none>"
            else:
                value = _go_v(s.get(key), kind)
            w.line(2, f"{label}\t{value}")
    else:
        w.line(1, "<unknown>")


def write_volumes(w, volumes: list, space: str = "") -> None:
    if not volumes:
        w.line(0, f"{space}Volumes:\t<none>")
        return
    w.line(0, f"{space}Volumes:")
    for v in volumes:
        w.line(1, f"{' ' if space else ''}{v.get('name', '')}:")
        write_volume_source(w, v.get("type"), v.get("source"))


def write_topology_spread(w, constraints: list, space: str = "") -> None:
    if not constraints:
        return
    w.write(0, f"{space}Topology Spread Constraints:\t")
    for i, c in enumerate(constraints):
        if i:
            w.write(0, space)
            w.write(0, "\t")
        text = f"{c['topologyKey']}:{c['whenUnsatisfiable']} when max skew {c['maxSkew']} is exceeded"
        if c.get("labelSelector") is not None:
            text += f" for selector {format_label_selector(c['labelSelector'])}"
        w.write(0, text + "\n")


def write_scheduling_group(w, group: dict | None, space: str = "") -> None:
    if group is None:
        return
    w.line(0, f"{space}SchedulingGroup:")
    w.line(1, f"PodGroupName:\t{group.get('podGroupName') or ''}")


def render_template(w, template: dict | None) -> None:
    """``DescribePodTemplate``."""
    w.line(0, "Pod Template:")
    if template is None:
        w.write(1, "<unset>")
        return
    write_labels(w, 0, "  Labels", template.get("labels"))
    if template.get("annotations"):
        write_annotations(w, 0, "  Annotations", template["annotations"])
    if template.get("serviceAccount"):
        w.line(1, f"Service Account:\t{template['serviceAccount']}")
    if template.get("initContainers"):
        write_containers(w, "Init Containers", template["initContainers"], "  ")
    write_containers(w, "Containers", template.get("containers") or [], "  ")
    write_volumes(w, template.get("volumes") or [], "  ")
    write_topology_spread(w, template.get("topologySpreadConstraints") or [], "  ")
    if template.get("priorityClassName"):
        w.line(1, f"Priority Class Name:\t{template['priorityClassName']}")
    write_labels(w, 0, "  Node-Selectors", template.get("nodeSelectors"))
    write_tolerations(w, 0, "  Tolerations", template.get("tolerations"))
    write_scheduling_group(w, template.get("schedulingGroup"), "  ")
