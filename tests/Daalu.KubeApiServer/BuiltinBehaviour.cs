using System.Text;
using System.Text.Json.Nodes;

namespace Daalu.KubeApiServer;

/// <summary>
/// What the real API server's registry strategies and defaulting do to built-in kinds on write, so that a controller
/// that compares desired and actual state meets the same server-filled fields here as in a cluster:
/// status reset on create (Pod Pending, Namespace Active, Deployment/DaemonSet/Service empty; Node keeps it),
/// Namespace <c>kubernetes.io/metadata.name</c> label, Secret <c>stringData</c> folded into <c>data</c> and type
/// Opaque, Service ClusterIP allocation (kept when an update omits it) and port defaults, Deployment/DaemonSet
/// spec defaults, StatefulSet spec defaults (kubernetes/kubernetes pkg/apis/apps/v1/defaults.go SetDefaults_StatefulSet:
/// podManagementPolicy OrderedReady, updateStrategy RollingUpdate with partition 0, persistentVolumeClaimRetentionPolicy
/// Retain/Retain, replicas 1, revisionHistoryLimit 10; each volumeClaimTemplate as a stored PersistentVolumeClaim:
/// apiVersion v1, kind PersistentVolumeClaim, spec.volumeMode Filesystem and status.phase Pending, as
/// <c>kubectl get statefulset -o yaml</c> shows them), and the pod-spec defaults (restartPolicy, dnsPolicy, schedulerName, terminationGracePeriodSeconds,
/// securityContext, container terminationMessage*, imagePullPolicy, port protocol, probe timings, volume modes).
/// </summary>
internal static class BuiltinBehaviour
{
    public static void PrepareForCreate(ResourceType type, JsonObject obj, Func<string> allocateServiceIp)
    {
        if (type.IsCustom)
        {
            if (type.HasStatusSubresource)
            {
                obj.Remove("status");
            }

            return;
        }

        if (type.Group.Length == 0)
        {
            switch (type.Kind)
            {
                case "Pod":
                    obj["status"] = new JsonObject { ["phase"] = "Pending" };
                    break;
                case "Namespace":
                    obj["status"] = new JsonObject { ["phase"] = "Active" };
                    obj["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") };
                    break;
                case "Service":
                    obj["status"] = new JsonObject { ["loadBalancer"] = new JsonObject() };
                    break;
                case "PersistentVolumeClaim":
                    obj["status"] = new JsonObject { ["phase"] = "Pending" };
                    break;
            }
        }
        else if (type is { Group: "apps", Kind: "DaemonSet" })
        {
            // Non-omitempty int32 fields of DaemonSetStatus: the real server always shows them, and the OpenAPI
            // schema requires them.
            obj["status"] = new JsonObject { ["currentNumberScheduled"] = 0, ["numberMisscheduled"] = 0, ["desiredNumberScheduled"] = 0, ["numberReady"] = 0 };
        }
        else if (type is { Group: "apps", Kind: "StatefulSet" })
        {
            // StatefulSetStatus.replicas is the one non-omitempty field the OpenAPI schema requires.
            obj["status"] = new JsonObject { ["replicas"] = 0 };
        }
        else if (type.HasStatusSubresource)
        {
            obj["status"] = new JsonObject();
        }

        Default(type, obj, null, allocateServiceIp);
    }

    public static void PrepareForUpdate(ResourceType type, JsonObject next, JsonObject old, Func<string> allocateServiceIp)
    {
        if (!type.IsCustom)
        {
            Default(type, next, old, allocateServiceIp);
        }
    }

    private static void Default(ResourceType type, JsonObject obj, JsonObject? old, Func<string> allocateServiceIp)
    {
        switch (type.Kind)
        {
            case "Namespace":
                var labels = Child(ObjectStore.Metadata(obj), "labels");
                labels["kubernetes.io/metadata.name"] = obj["metadata"]!["name"]!.GetValue<string>();
                break;
            case "Secret":
                FoldStringData(obj);
                obj["type"] ??= "Opaque";
                break;
            case "Service":
                DefaultService(obj, old, allocateServiceIp);
                break;
            case "Pod":
                DefaultPodSpec(Child(obj, "spec"));
                break;
            case "Deployment":
                DefaultDeployment(Child(obj, "spec"));
                break;
            case "DaemonSet":
                DefaultDaemonSet(Child(obj, "spec"));
                break;
            case "StatefulSet":
                DefaultStatefulSet(Child(obj, "spec"));
                break;
        }
    }

    private static void FoldStringData(JsonObject secret)
    {
        if (secret["stringData"] is not JsonObject stringData)
        {
            return;
        }

        var data = Child(secret, "data");
        foreach (var (k, v) in stringData)
        {
            data[k] = Convert.ToBase64String(Encoding.UTF8.GetBytes(v?.GetValue<string>() ?? string.Empty));
        }

        secret.Remove("stringData");
    }

    private static void DefaultService(JsonObject obj, JsonObject? old, Func<string> allocateServiceIp)
    {
        var spec = Child(obj, "spec");
        spec["type"] ??= "ClusterIP";
        spec["sessionAffinity"] ??= "None";
        var serviceType = spec["type"]!.GetValue<string>();
        if (serviceType != "ExternalName")
        {
            if (spec["clusterIP"] is null && old?["spec"]?["clusterIP"] is { } oldIp)
            {
                spec["clusterIP"] = oldIp.DeepClone();
                spec["clusterIPs"] = old["spec"]!["clusterIPs"]?.DeepClone();
            }

            if (spec["clusterIP"] is null)
            {
                spec["clusterIP"] = allocateServiceIp();
            }

            spec["clusterIPs"] ??= new JsonArray(spec["clusterIP"]!.GetValue<string>());
            spec["ipFamilies"] ??= new JsonArray("IPv4");
            spec["ipFamilyPolicy"] ??= "SingleStack";
            spec["internalTrafficPolicy"] ??= "Cluster";
        }

        if (spec["ports"] is JsonArray ports)
        {
            foreach (var port in ports.OfType<JsonObject>())
            {
                port["protocol"] ??= "TCP";
                port["targetPort"] ??= port["port"]?.DeepClone();
            }
        }
    }

    private static void DefaultDeployment(JsonObject spec)
    {
        spec["replicas"] ??= 1;
        spec["revisionHistoryLimit"] ??= 10;
        spec["progressDeadlineSeconds"] ??= 600;
        var strategy = Child(spec, "strategy");
        strategy["type"] ??= "RollingUpdate";
        if (strategy["type"]!.GetValue<string>() == "RollingUpdate")
        {
            var rolling = Child(strategy, "rollingUpdate");
            rolling["maxUnavailable"] ??= "25%";
            rolling["maxSurge"] ??= "25%";
        }

        DefaultTemplate(spec);
    }

    private static void DefaultDaemonSet(JsonObject spec)
    {
        spec["revisionHistoryLimit"] ??= 10;
        var strategy = Child(spec, "updateStrategy");
        strategy["type"] ??= "RollingUpdate";
        if (strategy["type"]!.GetValue<string>() == "RollingUpdate")
        {
            var rolling = Child(strategy, "rollingUpdate");
            rolling["maxUnavailable"] ??= 1;
            rolling["maxSurge"] ??= 0;
        }

        DefaultTemplate(spec);
    }

    // SetDefaults_StatefulSet: a strategy given without a type gets RollingUpdate and an empty rollingUpdate; a
    // RollingUpdate strategy with rollingUpdate gets partition 0 (one without rollingUpdate stays without it).
    private static void DefaultStatefulSet(JsonObject spec)
    {
        spec["podManagementPolicy"] ??= "OrderedReady";
        var strategy = Child(spec, "updateStrategy");
        if (strategy["type"] is null)
        {
            strategy["type"] = "RollingUpdate";
            strategy["rollingUpdate"] ??= new JsonObject();
        }

        if (strategy["type"]!.GetValue<string>() == "RollingUpdate" && strategy["rollingUpdate"] is JsonObject rolling)
        {
            rolling["partition"] ??= 0;
        }

        var retention = Child(spec, "persistentVolumeClaimRetentionPolicy");
        retention["whenDeleted"] ??= "Retain";
        retention["whenScaled"] ??= "Retain";
        spec["replicas"] ??= 1;
        spec["revisionHistoryLimit"] ??= 10;
        if (spec["volumeClaimTemplates"] is JsonArray claims)
        {
            foreach (var claim in claims.OfType<JsonObject>())
            {
                claim["apiVersion"] ??= "v1";
                claim["kind"] ??= "PersistentVolumeClaim";
                Child(claim, "spec")["volumeMode"] ??= "Filesystem";
                Child(claim, "status")["phase"] ??= "Pending";
            }
        }

        DefaultTemplate(spec);
    }

    private static void DefaultTemplate(JsonObject spec)
    {
        var template = Child(spec, "template");
        ObjectStore.Metadata(template);
        DefaultPodSpec(Child(template, "spec"));
    }

    private static void DefaultPodSpec(JsonObject pod)
    {
        pod["restartPolicy"] ??= "Always";
        pod["terminationGracePeriodSeconds"] ??= 30;
        pod["dnsPolicy"] ??= "ClusterFirst";
        pod["securityContext"] ??= new JsonObject();
        pod["schedulerName"] ??= "default-scheduler";
        foreach (var list in new[] { "containers", "initContainers" })
        {
            if (pod[list] is JsonArray containers)
            {
                foreach (var c in containers.OfType<JsonObject>())
                {
                    DefaultContainer(c);
                }
            }
        }

        if (pod["volumes"] is JsonArray volumes)
        {
            foreach (var v in volumes.OfType<JsonObject>())
            {
                if (v["secret"] is JsonObject secret)
                {
                    secret["defaultMode"] ??= 420;
                }

                if (v["configMap"] is JsonObject configMap)
                {
                    configMap["defaultMode"] ??= 420;
                }

                if (v["hostPath"] is JsonObject hostPath)
                {
                    hostPath["type"] ??= string.Empty;
                }
            }
        }
    }

    private static void DefaultContainer(JsonObject c)
    {
        c["terminationMessagePath"] ??= "/dev/termination-log";
        c["terminationMessagePolicy"] ??= "File";
        if (c["imagePullPolicy"] is null)
        {
            var image = c["image"]?.GetValue<string>() ?? string.Empty;
            var lastSegment = image[(image.LastIndexOf('/') + 1)..];
            var tagged = lastSegment.Contains(':', StringComparison.Ordinal) || image.Contains('@', StringComparison.Ordinal);
            var latest = lastSegment.EndsWith(":latest", StringComparison.Ordinal);
            c["imagePullPolicy"] = !tagged || latest ? "Always" : "IfNotPresent";
        }

        if (c["ports"] is JsonArray ports)
        {
            foreach (var p in ports.OfType<JsonObject>())
            {
                p["protocol"] ??= "TCP";
            }
        }

        foreach (var probeName in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
        {
            if (c[probeName] is JsonObject probe)
            {
                probe["timeoutSeconds"] ??= 1;
                probe["periodSeconds"] ??= 10;
                probe["successThreshold"] ??= 1;
                probe["failureThreshold"] ??= 3;
                if (probe["httpGet"] is JsonObject httpGet)
                {
                    httpGet["scheme"] ??= "HTTP";
                    httpGet["path"] ??= "/";
                }
            }
        }

        if (c["env"] is JsonArray env)
        {
            foreach (var e in env.OfType<JsonObject>())
            {
                if (e["valueFrom"]?["fieldRef"] is JsonObject fieldRef)
                {
                    fieldRef["apiVersion"] ??= "v1";
                }
            }
        }
    }

    private static JsonObject Child(JsonObject parent, string name)
    {
        if (parent[name] is JsonObject child)
        {
            return child;
        }

        child = [];
        parent[name] = child;
        return child;
    }
}
