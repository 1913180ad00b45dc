"""The objects seed.py creates, as plain dicts (kubectl applies them as a v1 List).

Everything has a fixed name, and ClusterIPs and NodePorts are pinned (inside the apiserver's static bands,
10.96.0.0-255 and 30000-30085, which dynamic allocation avoids), so outputs are stable between runs; pod names,
pod IPs and uids are not.

Profile "a" (cluster A): namespaces `demo` (most objects) and `shop` (quota, limit range, second app).
Profile "b" (cluster B): namespace `beta`, two nodes, one app behind a NodePort service.
Both: namespace `diff-demo`, the same app with drift between the clusters (the README's py-diff examples).
"""

import base64
from typing import Dict, List, Optional

KWOK = {"kwok.x-k8s.io/node": "fake"}  # the annotation kwok selects nodes by
SEED_REVISION = "3"  # bump when the seeded content changes: reused clusters are reseeded


def b64(text) -> str:
    return base64.b64encode(text if isinstance(text, bytes) else text.encode()).decode()


def meta(name: str, namespace: Optional[str] = None, labels: Optional[Dict] = None, **extra) -> Dict:
    m = {"name": name}
    if namespace:
        m["namespace"] = namespace
    if labels:
        m["labels"] = labels
    m.update(extra)
    return m


def obj(api: str, kind: str, metadata: Dict, **fields) -> Dict:
    return {"apiVersion": api, "kind": kind, "metadata": metadata, **fields}


def crd(
    group: str, plural: str, kind: str, properties: Optional[Dict] = None, short_names: tuple = (), **version
) -> Dict:
    """A namespaced CustomResourceDefinition serving and storing v1: ``properties`` its objects' top-level
    schema (none: any object), ``version`` more fields of v1 (subresources, additionalPrinterColumns)."""
    schema = {"type": "object", **({"properties": properties} if properties else {})}
    names = {"plural": plural, "singular": kind.lower(), "kind": kind}
    if short_names:
        names["shortNames"] = list(short_names)
    return obj(
        "apiextensions.k8s.io/v1",
        "CustomResourceDefinition",
        meta(f"{plural}.{group}"),
        spec={
            "group": group,
            "scope": "Namespaced",
            "names": names,
            "versions": [
                {"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": schema}, **version}
            ],
        },
    )


def namespace(name: str) -> Dict:
    return obj("v1", "Namespace", meta(name, labels={"kpy.io/seeded": "true"}))


# -- nodes -----------------------------------------------------------------------------------------------
def node(
    name: str,
    zone: str,
    addresses: List[Dict],
    cpu: str = "4",
    memory: str = "16Gi",
    pods: str = "110",
    kwok: bool = True,
    taints: Optional[List[Dict]] = None,
    unschedulable: bool = False,
    labels: Optional[Dict] = None,
) -> Dict:
    """A Node with capacity, allocatable (a little less), addresses and the usual labels. kwok manages it
    (conditions, heartbeats, pods) when `kwok` is set; give such a node at most one address per type."""
    allocatable_cpu = f"{int(float(cpu) * 1000) - 100}m"
    spec: Dict = {}
    if taints:
        spec["taints"] = taints
    if unschedulable:
        spec["unschedulable"] = True
    status = {
        "addresses": addresses,
        "capacity": {"cpu": cpu, "memory": memory, "pods": pods, "ephemeral-storage": "100Gi"},
        "allocatable": {"cpu": allocatable_cpu, "memory": memory, "pods": pods, "ephemeral-storage": "95Gi"},
    }
    if not kwok:  # what a kubelet would have reported (kwok writes its own)
        status["nodeInfo"] = {
            "architecture": "amd64",
            "operatingSystem": "linux",
            "osImage": "Ubuntu 24.04.1 LTS",
            "kernelVersion": "6.8.0-45-generic",
            "containerRuntimeVersion": "containerd://2.0.0",
            "kubeletVersion": "v1.37.2",
            "kubeProxyVersion": "",
            "machineID": "",
            "systemUUID": "",
            "bootID": "",
        }
    return obj(
        "v1",
        "Node",
        meta(
            name,
            labels={
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "node.kubernetes.io/instance-type": f"kwok-{cpu}cpu",
                "topology.kubernetes.io/region": "kpy-1",
                "topology.kubernetes.io/zone": zone,
                **(labels or {}),
            },
            annotations=KWOK if kwok else {},
        ),
        spec=spec,
        status=status,
    )


def addr(kind: str, address: str) -> Dict:
    return {"type": kind, "address": address}


NOT_READY_NODE = "node-notready"
NOT_READY_CONDITIONS = [
    {
        "type": "Ready",
        "status": "False",
        "reason": "KubeletNotReady",
        "message": "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady",
    },
    {
        "type": "MemoryPressure",
        "status": "False",
        "reason": "KubeletHasSufficientMemory",
        "message": "kubelet has sufficient memory available",
    },
    {
        "type": "DiskPressure",
        "status": "False",
        "reason": "KubeletHasNoDiskPressure",
        "message": "kubelet has no disk pressure",
    },
]


def node_lease(name: str, renew_time: str) -> Dict:
    """The heartbeat Lease a kubelet keeps for its node (kwok makes its own for the nodes it manages)."""
    return obj(
        "coordination.k8s.io/v1",
        "Lease",
        meta(name, "kube-node-lease"),
        spec={"holderIdentity": name, "leaseDurationSeconds": 40, "renewTime": renew_time},
    )


def demo_nodes() -> List[Dict]:
    return [
        node(
            "kwok-node-1",
            "kpy-1a",
            [addr("InternalIP", "10.0.0.11"), addr("ExternalIP", "203.0.113.11"), addr("Hostname", "kwok-node-1")],
            cpu="4",
            memory="16Gi",
        ),
        node("kwok-node-2", "kpy-1b", [addr("InternalIP", "fd00:10::12")], cpu="8", memory="32Gi"),
        node("kwok-node-3", "kpy-1a", [addr("InternalIP", "10.0.0.13")], cpu="2", memory="8Gi", unschedulable=True),
        node(
            "kwok-node-4",
            "kpy-1b",
            [addr("InternalIP", "10.0.0.14")],
            cpu="4",
            memory="16Gi",
            taints=[{"key": "dedicated", "value": "infra", "effect": "NoSchedule"}],
            labels={"node-role.kubernetes.io/infra": ""},
        ),
        # not managed by kwok: its Ready=False is written through the status subresource (seed.py). kwok
        # would choke on two InternalIPs, this node can be dual-stack.
        node(
            NOT_READY_NODE, "kpy-1b", [addr("InternalIP", "10.0.0.15"), addr("InternalIP", "fd00:10::15")], kwok=False
        ),
    ]


# -- workloads ---------------------------------------------------------------------------------------------
def resources(cpu: str, memory: str, cpu_limit: str, memory_limit: str) -> Dict:
    return {"requests": {"cpu": cpu, "memory": memory}, "limits": {"cpu": cpu_limit, "memory": memory_limit}}


def container(name: str, image: str, ports=(), res: Optional[Dict] = None, **extra) -> Dict:
    c = {"name": name, "image": image, **extra}
    if ports:
        c["ports"] = [{"name": n, "containerPort": p, "protocol": "TCP"} for n, p in ports]
    if res:
        c["resources"] = res
    return c


def pod_template(labels: Dict, containers: List[Dict], **spec) -> Dict:
    return {"metadata": {"labels": labels}, "spec": {"containers": containers, **spec}}


def one_per_node(labels: Dict) -> List[Dict]:
    """A topology spread that puts a workload's pods on distinct nodes, so each run places them alike. Every
    node counts as a domain, tainted or not yet Ready ones too (nodeTaintsPolicy Ignore, the default): a pod
    waits for its node rather than doubling up on one that came up first."""
    return [
        {
            "maxSkew": 1,
            "topologyKey": "kubernetes.io/hostname",
            "whenUnsatisfiable": "DoNotSchedule",
            "labelSelector": {"matchLabels": labels},
            "matchLabelKeys": ["pod-template-hash"],  # a rollout's new pods spread among themselves
        }
    ]


def deployment(ns: str, name: str, replicas: int, template: Dict, annotations: Optional[Dict] = None) -> Dict:
    return obj(
        "apps/v1",
        "Deployment",
        meta(name, ns, {"app": name}, annotations=annotations or {}),
        spec={"replicas": replicas, "selector": {"matchLabels": template["metadata"]["labels"]}, "template": template},
    )


def web_deployment(revision: int) -> Dict:
    """demo/web at rollout `revision` (1..3): each revision changes the image, so the Deployment ends with
    three ReplicaSets, two of them scaled to 0."""
    image = {1: "nginx:1.25.5", 2: "nginx:1.26.3", 3: "nginx:1.27.4"}[revision]
    template = pod_template(
        {"app": "web"},
        [
            container(
                "web",
                image,
                ports=[("http", 8080)],
                res=resources("100m", "64Mi", "250m", "128Mi"),
                env=[
                    {"name": "LOG_LEVEL", "valueFrom": {"configMapKeyRef": {"name": "web-config", "key": "LOG_LEVEL"}}}
                ],
                volumeMounts=[{"name": "config", "mountPath": "/etc/nginx/conf.d"}],
            )
        ],
        serviceAccountName="web",
        volumes=[{"name": "config", "configMap": {"name": "web-config"}}],
    )
    return deployment("demo", "web", 3, template, {"kubernetes.io/change-cause": f"image {image}"})


def api_deployment(revision: int) -> Dict:
    """demo/api: two containers, three named ports; revision 2 changes an env var (a second ReplicaSet)."""
    template = pod_template(
        {"app": "api", "tier": "backend"},
        [
            container(
                "api",
                "ghcr.io/kpy/api:2.4.0",
                ports=[("http", 8080), ("https", 8443)],
                res=resources("200m", "128Mi", "500m", "256Mi"),
                env=[
                    {"name": "FEATURES", "value": "v1" if revision == 1 else "v2"},
                    {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "app-secret", "key": "password"}}},
                ],
            ),
            container(
                "metrics",
                "prom/statsd-exporter:v0.26.0",
                ports=[("metrics", 9102)],
                res=resources("50m", "32Mi", "100m", "64Mi"),
            ),
        ],
    )
    return deployment("demo", "api", 2, template)


def demo_workloads() -> List[Dict]:
    ingest = pod_template(
        {"app": "ingest"},
        [
            container(
                "ingest", "busybox:1.36", res=resources("100m", "64Mi", "200m", "128Mi"), command=["sleep", "infinity"]
            )
        ],
        nodeSelector={"node-role.kubernetes.io/infra": ""},
        tolerations=[{"key": "dedicated", "operator": "Equal", "value": "infra", "effect": "NoSchedule"}],
    )
    db = pod_template(
        {"app": "db"},
        [
            container(
                "postgres",
                "postgres:16.4",
                ports=[("postgres", 5432)],
                res=resources("250m", "256Mi", "1", "512Mi"),
                volumeMounts=[{"name": "data", "mountPath": "/var/lib/postgresql/data"}],
            )
        ],
    )
    agent = pod_template(
        {"app": "node-agent"},
        [container("agent", "fluent/fluent-bit:3.1.9", res=resources("20m", "32Mi", "100m", "64Mi"))],
    )
    job_pod = pod_template(
        {"app": "migrate"},
        [container("migrate", "busybox:1.36", command=["sh", "-c", "echo migrated"])],
        restartPolicy="Never",
    )
    cron_pod = pod_template(
        {"app": "report"},
        [container("report", "busybox:1.36", command=["sh", "-c", "echo report"])],
        restartPolicy="OnFailure",
    )
    return [
        web_deployment(1),
        api_deployment(1),
        deployment("demo", "ingest", 1, ingest),
        obj(
            "apps/v1",
            "StatefulSet",
            meta("db", "demo", {"app": "db"}),
            spec={
                "serviceName": "db",
                "replicas": 2,
                "selector": {"matchLabels": {"app": "db"}},
                "template": db,
                "volumeClaimTemplates": [
                    {
                        "metadata": {"name": "data"},
                        "spec": {
                            "accessModes": ["ReadWriteOnce"],
                            "storageClassName": "sts-disk",
                            "resources": {"requests": {"storage": "1Gi"}},
                        },
                    }
                ],
            },
        ),
        obj(
            "apps/v1",
            "DaemonSet",
            meta("node-agent", "demo", {"app": "node-agent"}),
            spec={"selector": {"matchLabels": {"app": "node-agent"}}, "template": agent},
        ),
        obj(
            "batch/v1",
            "Job",
            meta("migrate", "demo", {"app": "migrate"}),
            spec={"backoffLimit": 2, "template": job_pod},
        ),
        # suspended, so that it never fires during a test run
        obj(
            "batch/v1",
            "CronJob",
            meta("report", "demo", {"app": "report"}),
            spec={"schedule": "0 3 * * *", "suspend": True, "jobTemplate": {"spec": {"template": cron_pod}}},
        ),
        obj(
            "v1",
            "Pod",
            meta("pvc-user", "demo", {"app": "pvc-user"}),
            spec={
                "initContainers": [container("init", "busybox:1.36", command=["sh", "-c", "true"])],
                "containers": [
                    container(
                        "app",
                        "busybox:1.36",
                        command=["sleep", "infinity"],
                        res=resources("50m", "32Mi", "100m", "64Mi"),
                        volumeMounts=[{"name": "data", "mountPath": "/data"}],
                    )
                ],
                "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}],
            },
        ),
    ]


# -- services and networking -------------------------------------------------------------------------------
def service(
    ns: str,
    name: str,
    selector: Optional[Dict],
    ports: List[Dict],
    kind: str = "ClusterIP",
    cluster_ip: Optional[str] = None,
    **spec,
) -> Dict:
    s = {"type": kind, "ports": ports, **spec}
    if selector:
        s["selector"] = selector
    if cluster_ip:
        s["clusterIP"] = cluster_ip
    return obj("v1", "Service", meta(name, ns, {"app": name}), spec=s)


def port(port_: int, target, name: Optional[str] = None, node_port: Optional[int] = None) -> Dict:
    p = {"port": port_, "targetPort": target, "protocol": "TCP"}
    if name:
        p["name"] = name
    if node_port:
        p["nodePort"] = node_port
    return p


def demo_services() -> List[Dict]:
    web = {"app": "web"}
    return [
        service("demo", "web", web, [port(80, "http")], cluster_ip="10.96.0.10"),
        service("demo", "web-nodeport", web, [port(80, "http", node_port=30080)], "NodePort", "10.96.0.11"),
        service("demo", "web-lb", web, [port(443, "http", node_port=30082)], "LoadBalancer", "10.96.0.12"),
        service(
            "demo",
            "web-local",
            web,
            [port(80, "http", node_port=30081)],
            "NodePort",
            "10.96.0.13",
            externalTrafficPolicy="Local",
        ),
        service("demo", "web-external", None, [port(443, 443)], "ExternalName", externalName="www.example.com"),
        service("demo", "db", {"app": "db"}, [port(5432, "postgres", "postgres")], cluster_ip="None"),
        service(
            "demo",
            "api",
            {"app": "api"},
            [port(80, "http", "http"), port(443, "https", "https"), port(9102, "metrics", "metrics")],
            cluster_ip="10.96.0.20",
            sessionAffinity="ClientIP",
        ),
    ]


def ingress(ns: str, name: str, host: str, paths: List[Dict], tls_secret: Optional[str] = None) -> Dict:
    spec = {
        "ingressClassName": "nginx",
        "rules": [
            {
                "host": host,
                "http": {
                    "paths": [
                        {
                            "path": p["path"],
                            "pathType": "Prefix",
                            "backend": {"service": {"name": p["service"], "port": p["port"]}},
                        }
                        for p in paths
                    ]
                },
            }
        ],
    }
    if tls_secret:
        spec["tls"] = [{"hosts": [host], "secretName": tls_secret}]
    return obj("networking.k8s.io/v1", "Ingress", meta(name, ns), spec=spec)


# -- configuration, storage, policy ------------------------------------------------------------------------
def demo_config(tls_cert: bytes, tls_key: bytes) -> List[Dict]:
    return [
        obj("v1", "ServiceAccount", meta("web", "demo")),
        obj("v1", "ServiceAccount", meta("build-bot", "demo"), imagePullSecrets=[{"name": "registry-creds"}]),
        obj(
            "v1",
            "ConfigMap",
            meta("web-config", "demo"),
            data={
                "LOG_LEVEL": "info",
                "default.conf": "server {\n  listen 8080;\n  location / { root /usr/share/nginx/html; }\n}\n",
            },
        ),
        obj(
            "v1",
            "ConfigMap",
            meta("binary-config", "demo"),
            data={"README": "binaryData holds a PNG header"},
            binaryData={"logo.png": b64(bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D]))},
        ),
        obj(
            "v1",
            "Secret",
            meta("app-secret", "demo"),
            type="Opaque",
            data={"username": b64("admin"), "password": b64("s3cr3t-password")},
        ),
        obj(
            "v1",
            "Secret",
            meta("web-tls", "demo"),
            type="kubernetes.io/tls",
            data={"tls.crt": b64(tls_cert), "tls.key": b64(tls_key)},
        ),
        # the token controller fills in token, ca.crt and namespace
        obj(
            "v1",
            "Secret",
            meta("build-bot-token", "demo", annotations={"kubernetes.io/service-account.name": "build-bot"}),
            type="kubernetes.io/service-account-token",
        ),
        obj(
            "v1",
            "Secret",
            meta("registry-creds", "demo"),
            type="kubernetes.io/dockerconfigjson",
            data={".dockerconfigjson": b64('{"auths":{"registry.example.com":{"auth":"Ym90OnRva2Vu"}}}')},
        ),
        obj(
            "v1",
            "PersistentVolumeClaim",
            meta("data", "demo"),
            spec={
                "accessModes": ["ReadWriteOnce"],
                "storageClassName": "manual",
                "volumeName": "pv-data",
                "resources": {"requests": {"storage": "2Gi"}},
            },
        ),
        obj(
            "autoscaling/v2",
            "HorizontalPodAutoscaler",
            meta("web", "demo"),
            spec={
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                "minReplicas": 3,
                "maxReplicas": 6,  # min = replicas: without metrics nothing changes
                "metrics": [
                    {
                        "type": "Resource",
                        "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}},
                    }
                ],
            },
        ),
        obj(
            "v1",
            "ResourceQuota",
            meta("object-counts", "demo"),
            spec={
                "hard": {
                    "configmaps": "50",
                    "secrets": "50",
                    "services": "20",
                    "services.nodeports": "5",
                    "services.loadbalancers": "2",
                    "count/deployments.apps": "10",
                }
            },
        ),
        obj(
            "v1",
            "LimitRange",
            meta("storage-limits", "demo"),
            spec={
                "limits": [{"type": "PersistentVolumeClaim", "min": {"storage": "500Mi"}, "max": {"storage": "10Gi"}}]
            },
        ),
        ingress(
            "demo",
            "web",
            "web.demo.example.com",
            [
                {"path": "/", "service": "web", "port": {"number": 80}},
                {"path": "/api", "service": "api", "port": {"name": "http"}},
            ],
            tls_secret="web-tls",
        ),
        obj("demo.kpy.io/v1", "Widget", meta("small", "demo"), spec={"size": 1, "color": "blue"}),
        obj("demo.kpy.io/v1", "Widget", meta("large", "demo"), spec={"size": 10, "color": "red"}),
    ]


def cluster_scoped() -> List[Dict]:
    """Objects the namespaced ones need: namespaces, CRD, classes, PVs, nodes."""

    def pv(name: str, size: str, cls: str, claim: Optional[str]) -> Dict:
        spec = {
            "capacity": {"storage": size},
            "accessModes": ["ReadWriteOnce"],
            "storageClassName": cls,
            "persistentVolumeReclaimPolicy": "Retain",
            "hostPath": {"path": f"/var/kpy/{name}"},
        }
        if claim:  # pre-bound, so binding is deterministic
            spec["claimRef"] = {"namespace": "demo", "name": claim}
        return obj("v1", "PersistentVolume", meta(name, labels={"kpy.io/disk": cls}), spec=spec)

    def storage_class(name: str) -> Dict:
        return {
            "apiVersion": "storage.k8s.io/v1",
            "kind": "StorageClass",
            "metadata": meta(name),
            "provisioner": "kubernetes.io/no-provisioner",
            "volumeBindingMode": "Immediate",
            "reclaimPolicy": "Retain",
        }

    widgets = crd(
        "demo.kpy.io",
        "widgets",
        "Widget",
        {
            "spec": {"type": "object", "properties": {"size": {"type": "integer"}, "color": {"type": "string"}}},
            "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
        },
        short_names=("wg",),
        subresources={"status": {}},
        additionalPrinterColumns=[
            {"name": "Size", "type": "integer", "jsonPath": ".spec.size"},
            {"name": "Color", "type": "string", "jsonPath": ".spec.color"},
            {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
        ],
    )
    return [
        namespace("demo"),
        namespace("shop"),
        widgets,
        obj(
            "networking.k8s.io/v1",
            "IngressClass",
            meta("nginx", annotations={"ingressclass.kubernetes.io/is-default-class": "true"}),
            spec={"controller": "k8s.io/ingress-nginx"},
        ),
        storage_class("manual"),
        storage_class("sts-disk"),
        pv("pv-data", "2Gi", "manual", "data"),
        pv("pv-spare", "5Gi", "manual", None),
        pv("pv-db-0", "1Gi", "sts-disk", "data-db-0"),
        pv("pv-db-1", "1Gi", "sts-disk", "data-db-1"),
        *demo_nodes(),
    ]


def shop() -> List[Dict]:
    """Namespace shop: a LimitRange supplies defaults, which the ResourceQuota then requires."""
    frontend = pod_template(
        {"app": "frontend"},
        [
            container(
                "frontend",
                "ghcr.io/kpy/frontend:1.8.2",
                ports=[("http", 3000)],
                res=resources("150m", "128Mi", "300m", "256Mi"),
            )
        ],
    )
    cart = pod_template({"app": "cart"}, [container("cart", "ghcr.io/kpy/cart:0.9.1", ports=[("http", 8080)])])
    return [
        obj(
            "v1",
            "LimitRange",
            meta("defaults", "shop"),
            spec={
                "limits": [
                    {
                        "type": "Container",
                        "default": {"cpu": "200m", "memory": "256Mi"},
                        "defaultRequest": {"cpu": "100m", "memory": "128Mi"},
                        "max": {"cpu": "2", "memory": "2Gi"},
                    }
                ]
            },
        ),
        obj(
            "v1",
            "ResourceQuota",
            meta("compute", "shop"),
            spec={
                "hard": {
                    "requests.cpu": "4",
                    "requests.memory": "8Gi",
                    "limits.cpu": "8",
                    "limits.memory": "16Gi",
                    "pods": "20",
                    "services": "10",
                    "persistentvolumeclaims": "4",
                }
            },
        ),
        deployment("shop", "frontend", 2, frontend),
        deployment("shop", "cart", 1, cart),
        service("shop", "frontend", {"app": "frontend"}, [port(80, "http")], cluster_ip="10.96.0.21"),
        service("shop", "cart", {"app": "cart"}, [port(8080, "http", "http")], cluster_ip="10.96.0.22"),
        obj(
            "autoscaling/v2",
            "HorizontalPodAutoscaler",
            meta("frontend", "shop"),
            spec={
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "frontend"},
                "minReplicas": 2,
                "maxReplicas": 4,
                "metrics": [
                    {
                        "type": "Resource",
                        "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "200Mi"}},
                    }
                ],
            },
        ),
        ingress("shop", "frontend", "shop.example.com", [{"path": "/", "service": "frontend", "port": {"number": 80}}]),
        obj("v1", "ConfigMap", meta("checkout", "shop"), data={"currency": "EUR", "tax": "0.2"}),
        obj("demo.kpy.io/v1", "Widget", meta("display", "shop"), spec={"size": 3, "color": "green"}),
    ]


def diff_demo(profile: str) -> List[Dict]:
    """Namespace diff-demo, in both clusters, drifted as fleets drift: cluster B logs at debug, has another CPU
    limit and no TRACING variable, lacks the cart-flags ConfigMap, and holds another database password (of the
    same length). examples/cart.yaml is the manifest one would apply next (3 replicas, image 1.5.0)."""
    a = profile == "a"
    env = [{"name": "LOG_LEVEL", "value": "info" if a else "debug"}] + (
        [{"name": "TRACING", "value": "on"}] if a else []
    )
    cart = pod_template(
        {"app": "cart"},
        [
            container(
                "cart",
                "ghcr.io/example/cart:1.4.2",
                ports=[("http", 8080)],
                res=resources("10m", "16Mi", "500m" if a else "1", "64Mi"),
                env=env,
            )
        ],
        topologySpreadConstraints=one_per_node({"app": "cart"}),
    )
    objects = [
        namespace("diff-demo"),
        deployment("diff-demo", "cart", 2, cart),
        service("diff-demo", "cart", {"app": "cart"}, [port(80, "http", "http")]),
        obj(
            "v1",
            "Secret",
            meta("cart-db", "diff-demo"),
            type="Opaque",
            data={"password": b64("s3cr3t-a" if a else "s3cr3t-b")},
        ),
    ]
    if a:
        objects.append(obj("v1", "ConfigMap", meta("cart-flags", "diff-demo"), data={"new-checkout": "on"}))
    return objects


def profile_b() -> List[Dict]:
    """Cluster B: other nodes, another namespace, a NodePort service."""
    echo = pod_template(
        {"app": "echo"},
        [
            container(
                "echo", "hashicorp/http-echo:1.0", ports=[("http", 5678)], res=resources("50m", "32Mi", "100m", "64Mi")
            )
        ],
        topologySpreadConstraints=one_per_node({"app": "echo"}),
    )
    return [
        node("b-node-1", "kpy-2a", [addr("InternalIP", "10.1.0.11"), addr("Hostname", "b-node-1")]),
        node("b-node-2", "kpy-2b", [addr("InternalIP", "10.1.0.12"), addr("Hostname", "b-node-2")]),
        namespace("beta"),
        deployment("beta", "echo", 2, echo),
        service("beta", "echo", {"app": "echo"}, [port(80, "http", node_port=30090)], "NodePort", "10.96.0.30"),
    ]


def events(now: str, earlier: str) -> List[Dict]:
    """core/v1 Events about seeded objects, one with count 4. seed.py fills in involvedObject.uid: describe
    finds events by the object's uid."""

    def event(
        kind: str,
        ns: str,
        name: str,
        kind_type: str,
        reason: str,
        message: str,
        count: int,
        component: str,
        api: str = "v1",
    ) -> Dict:
        return obj(
            "v1",
            "Event",
            meta(f"{name}.kpy-seed", ns or "default"),
            type=kind_type,
            reason=reason,
            message=message,
            count=count,
            firstTimestamp=earlier if count > 1 else now,
            lastTimestamp=now,
            source={"component": component},
            involvedObject={"apiVersion": api, "kind": kind, "namespace": ns, "name": name},
        )

    return [
        event(
            "Service",
            "demo",
            "web-lb",
            "Warning",
            "SyncLoadBalancerFailed",
            "Error syncing load balancer: no cloud provider configured",
            4,
            "service-controller",
        ),
        event(
            "Deployment", "demo", "web", "Normal", "Seeded", "seeded by tests/cluster/seed.py", 1, "kpy-seed", "apps/v1"
        ),
        event(
            "Node",
            "",
            "kwok-node-1",
            "Normal",
            "RegisteredNode",
            "Node kwok-node-1 event: Registered Node kwok-node-1 in Controller",
            1,
            "node-controller",
        ),
    ]
