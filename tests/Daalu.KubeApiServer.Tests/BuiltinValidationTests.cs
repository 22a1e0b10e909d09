using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Daalu.KubeApiServer.Tests;

/// <summary>
/// Built-in objects are refused as the real API server refuses them. The expected messages are built from
/// kubernetes/apimachinery pkg/util/validation/validation.go and pkg/api/validate/content/kube.go (commit eed236c,
/// 2026-07-23: MaxLenError, RegexError with its "'a',  or 'b'" spacing, the DNS-1035 / label-value / config-key
/// formats), field/errors.go (how "Invalid value", "Required value", "Not found", "Too long" are written, structured
/// values as JSON) and kubernetes/kubernetes pkg/apis/apps/validation and pkg/apis/core/validation (field paths and
/// the selector, port, ConfigMap and Secret rules).
/// </summary>
public sealed class BuiltinValidationTests : TestCluster
{
    private const string Dns1035Message = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
    private const string LabelValueMessage = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
    private const string SubdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private const string Dns1123LabelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    private static List<string> Causes(JsonObject status) =>
        status["details"]!["causes"]!.AsArray().Select(c => $"{c!["field"]!.GetValue<string>()}: {c["message"]!.GetValue<string>()}").ToList();

    private static V1Deployment Deployment(string name = "web", IDictionary<string, string>? labels = null)
    {
        var selector = new Dictionary<string, string> { ["app"] = "web" };
        return new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = labels },
            Spec = new V1DeploymentSpec
            {
                Selector = new V1LabelSelector { MatchLabels = selector },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string>(selector) },
                    Spec = new V1PodSpec
                    {
                        Containers = [new V1Container { Name = "app", Image = "nginx:1.27", Ports = [new V1ContainerPort { Name = "http", ContainerPort = 8080 }] }],
                    },
                },
            },
        };
    }

    private async Task<JsonObject> PostRaw(string path, JsonObject body)
    {
        using var http = new HttpClient();
        var response = await http.PostAsync(Server.BaseUrl + path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(422, (int)response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    [Fact]
    public async Task CreateDeployment_LabelValueOf73Characters_Returns422WithTheRealServersMessage()
    {
        var value = new string('a', 73);

        var status = await ExpectStatus(422, () => Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment(labels: new Dictionary<string, string> { ["ai.daalu.io/model-serving"] = value }), "default"));

        Assert.Equal("Invalid", status["reason"]!.GetValue<string>());
        Assert.Equal($"Deployment.apps \"web\" is invalid: metadata.labels: Invalid value: \"{value}\": must be no more than 63 characters", status["message"]!.GetValue<string>());
        var cause = Assert.Single(status["details"]!["causes"]!.AsArray())!;
        Assert.Equal("FieldValueInvalid", cause["reason"]!.GetValue<string>());
        Assert.Equal("metadata.labels", cause["field"]!.GetValue<string>());
        Assert.Equal("deployments", status["details"]!["kind"]!.GetValue<string>());
        Assert.Equal("apps", status["details"]!["group"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateDeployment_LabelValueOf63Characters_IsAccepted()
    {
        var created = await Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment(labels: new Dictionary<string, string> { ["app.kubernetes.io/instance"] = new string('a', 63) }), "default");

        Assert.Equal(63, created.Metadata.Labels["app.kubernetes.io/instance"].Length);
    }

    [Fact]
    public async Task CreateService_NameOf64Characters_RefusedAsDns1035Label()
    {
        var name = new string('s', 64);

        var status = await ExpectStatus(422, () => Client.CoreV1.CreateNamespacedServiceAsync(Service(name), "default"));

        Assert.Equal($"Service \"{name}\" is invalid: metadata.name: Invalid value: \"{name}\": must be no more than 63 characters", status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateService_NameStartingWithADigitOrHoldingADot_RefusedThoughAValidDeploymentName()
    {
        var digit = await ExpectStatus(422, () => Client.CoreV1.CreateNamespacedServiceAsync(Service("1web"), "default"));
        var dotted = await ExpectStatus(422, () => Client.CoreV1.CreateNamespacedServiceAsync(Service("web.v2"), "default"));
        await Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("1web.v2"), "default");

        Assert.Equal($"Service \"1web\" is invalid: metadata.name: Invalid value: \"1web\": {Dns1035Message}", digit["message"]!.GetValue<string>());
        Assert.Equal([$"metadata.name: Invalid value: \"web.v2\": {Dns1035Message}"], Causes(dotted));
    }

    [Fact]
    public async Task CreateConfigMap_BadLabelKeyPrefixAndValue_ListsEachCauseInOneStatus()
    {
        var map = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm", Labels = new Dictionary<string, string> { ["Example.com/tier"] = "-front-" } } };

        var status = await ExpectStatus(422, () => Client.CoreV1.CreateNamespacedConfigMapAsync(map, "default"));

        Assert.Equal(
            [
                $"metadata.labels: Invalid value: \"Example.com/tier\": prefix part {SubdomainMessage}",
                $"metadata.labels: Invalid value: \"-front-\": {LabelValueMessage}",
            ],
            Causes(status));
        Assert.StartsWith("ConfigMap \"cm\" is invalid: [metadata.labels: Invalid value: \"Example.com/tier\": prefix part ", status["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateConfigMap_LabelKeyWithTwoSlashesOrLongName_Refused()
    {
        var map = new V1ConfigMap
        {
            Metadata = new V1ObjectMeta
            {
                Name = "cm",
                Labels = new Dictionary<string, string> { ["a/b/c"] = "x", ["example.com/" + new string('n', 64)] = "y" },
            },
        };

        var status = await ExpectStatus(422, () => Client.CoreV1.CreateNamespacedConfigMapAsync(map, "default"));

        Assert.Equal(
            [
                "metadata.labels: Invalid value: \"a/b/c\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                $"metadata.labels: Invalid value: \"example.com/{new string('n', 64)}\": name part must be no more than 63 characters",
            ],
            Causes(status));
    }

    [Fact]
    public async Task CreateConfigMap_AnnotationsOver256KiB_TooLong()
    {
        var map = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm", Annotations = new Dictionary<string, string> { ["big"] = new string('x', 256 * 1024) } } };

        var status = await ExpectStatus(422, () => Client.CoreV1.CreateNamespacedConfigMapAsync(map, "default"));

        Assert.Equal(["metadata.annotations: Too long: may not be more than 262144 bytes"], Causes(status));
        Assert.Equal("FieldValueTooLong", status["details"]!["causes"]![0]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateDeployment_WithoutSelector_SelectorRequiredAndTemplateUnmatched()
    {
        var deployment = Deployment();
        deployment.Spec.Selector = null;

        var status = await ExpectStatus(422, () => Client.AppsV1.CreateNamespacedDeploymentAsync(deployment, "default"));

        Assert.Equal(
            ["spec.selector: Required value", "spec.template.metadata.labels: Invalid value: {\"app\":\"web\"}: `selector` does not match template `labels`"],
            Causes(status));
    }

    [Fact]
    public async Task CreateDeployment_SelectorNotMatchingTemplateOrEmpty_Refused()
    {
        var mismatched = Deployment("a");
        mismatched.Spec.Template.Metadata.Labels = new Dictionary<string, string> { ["tier"] = "x", ["app"] = "other" };
        var empty = Deployment("b");
        empty.Spec.Selector = new V1LabelSelector();

        var mismatch = await ExpectStatus(422, () => Client.AppsV1.CreateNamespacedDeploymentAsync(mismatched, "default"));
        var emptyStatus = await ExpectStatus(422, () => Client.AppsV1.CreateNamespacedDeploymentAsync(empty, "default"));

        Assert.Equal(["spec.template.metadata.labels: Invalid value: {\"app\":\"other\",\"tier\":\"x\"}: `selector` does not match template `labels`"], Causes(mismatch));
        Assert.Equal(["spec.selector: Invalid value: {}: empty selector is invalid for deployment"], Causes(emptyStatus));
    }

    [Fact]
    public async Task CreateDeployment_ContainerWithoutImageBadPortsAndDanglingMount_ListsEveryCause()
    {
        var deployment = Deployment();
        var container = deployment.Spec.Template.Spec.Containers[0];
        container.Image = null;
        container.Ports = [new V1ContainerPort { Name = "HTTP_port", ContainerPort = 70000 }, new V1ContainerPort { Name = "metrics", ContainerPort = 9090, Protocol = "HTTP" }];
        container.VolumeMounts = [new V1VolumeMount { Name = "cache", MountPath = "/cache" }];
        deployment.Spec.Template.Spec.Containers.Add(new V1Container { Name = "Side_Car", Image = "busybox" });

        var status = await ExpectStatus(422, () => Client.AppsV1.CreateNamespacedDeploymentAsync(deployment, "default"));

        Assert.Equal(
            [
                "spec.template.spec.containers[0].image: Required value",
                "spec.template.spec.containers[0].ports[0].name: Invalid value: \"HTTP_port\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                "spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
                "spec.template.spec.containers[0].ports[1].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
                "spec.template.spec.containers[0].volumeMounts[0].name: Not found: \"cache\"",
                $"spec.template.spec.containers[1].name: Invalid value: \"Side_Car\": {Dns1123LabelMessage}",
            ],
            Causes(status));
    }

    [Fact]
    public async Task CreateDeployment_NoContainersAndRecreateWithRollingUpdate_Refused()
    {
        var deployment = Deployment();
        deployment.Spec.Template.Spec.Containers = [];
        deployment.Spec.Strategy = new V1DeploymentStrategy { Type = "Recreate", RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = "1" } };

        var status = await ExpectStatus(422, () => Client.AppsV1.CreateNamespacedDeploymentAsync(deployment, "default"));

        Assert.Equal(
            ["spec.template.spec.containers: Required value", "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"],
            Causes(status));
    }

    [Fact]
    public async Task ReplaceDeployment_SelectorChanged_FieldIsImmutable()
    {
        var created = await Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment(), "default");
        created.Spec.Selector.MatchLabels["tier"] = "front";
        created.Spec.Template.Metadata.Labels["tier"] = "front";

        var status = await ExpectStatus(422, () => Client.AppsV1.ReplaceNamespacedDeploymentAsync(created, "web", "default"));

        Assert.Equal(["spec.selector: Invalid value: {\"matchLabels\":{\"app\":\"web\",\"tier\":\"front\"}}: field is immutable"], Causes(status));
    }

    [Fact]
    public async Task CreateDaemonSet_EmptySelectorOrNone_RefusedAsAppsValidationDoes()
    {
        V1DaemonSet DaemonSet(string name, V1LabelSelector? selector) => new()
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1DaemonSetSpec
            {
                Selector = selector,
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "agent" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "agent", Image = "agent:1" }] },
                },
            },
        };

        var empty = await ExpectStatus(422, () => Client.AppsV1.CreateNamespacedDaemonSetAsync(DaemonSet("a", new V1LabelSelector()), "default"));
        var none = await ExpectStatus(422, () => Client.AppsV1.CreateNamespacedDaemonSetAsync(DaemonSet("b", null), "default"));
        var ok = await Client.AppsV1.CreateNamespacedDaemonSetAsync(DaemonSet("c", new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "agent" } }), "default");

        Assert.Equal(["spec.selector: Invalid value: {}: empty selector is invalid for daemonset"], Causes(empty));
        // apps/validation does not require a DaemonSet selector (a missing one just matches nothing); the OpenAPI
        // schema does, so the schema check adds "spec.selector: Required value" when it runs.
        Assert.Contains("spec.template.metadata.labels: Invalid value: {\"app\":\"agent\"}: `selector` does not match template `labels`", Causes(none));
        Assert.All(Causes(none), c => Assert.Contains(c, new[] { "spec.template.metadata.labels: Invalid value: {\"app\":\"agent\"}: `selector` does not match template `labels`", "spec.selector: Required value" }));
        Assert.Equal(0, ok.Status.NumberReady);
    }

    [Fact]
    public async Task CreateService_PortRulesAndSelectorLabels_RefusedWithEachCause()
    {
        var service = Service("api");
        service.Spec.Ports =
        [
            new V1ServicePort { Port = 80, TargetPort = "http" },
            new V1ServicePort { Name = "metrics", Port = 0, TargetPort = 70000 },
            new V1ServicePort { Name = "metrics", Port = 9090, TargetPort = "Metrics_Port" },
        ];
        service.Spec.Selector = new Dictionary<string, string> { ["app"] = new string('x', 64) };

        var status = await ExpectStatus(422, () => Client.CoreV1.CreateNamespacedServiceAsync(service, "default"));

        Assert.Equal(
            [
                "spec.ports[0].name: Required value",
                "spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive",
                "spec.ports[1].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
                "spec.ports[2].name: Duplicate value: \"metrics\"",
                "spec.ports[2].targetPort: Invalid value: \"Metrics_Port\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                $"spec.selector: Invalid value: \"{new string('x', 64)}\": must be no more than 63 characters",
            ],
            Causes(status));
    }

    [Fact]
    public async Task CreateService_NoPorts_RequiredUnlessHeadless()
    {
        var service = Service("api");
        service.Spec.Ports = [];
        var headless = Service("api-headless");
        headless.Spec.Ports = [];
        headless.Spec.ClusterIP = "None";

        var status = await ExpectStatus(422, () => Client.CoreV1.CreateNamespacedServiceAsync(service, "default"));
        await Client.CoreV1.CreateNamespacedServiceAsync(headless, "default");

        Assert.Equal(["spec.ports: Required value"], Causes(status));
    }

    [Fact]
    public async Task CreateConfigMapAndSecret_BadKeysAndOverOneMiB_Refused()
    {
        var map = new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "cm" },
            Data = new Dictionary<string, string> { ["config/yaml"] = "a", ["..data"] = "b", ["big"] = new string('x', (1 << 20) + 1) },
        };
        var secret = new V1Secret { Metadata = new V1ObjectMeta { Name = "s" }, Data = new Dictionary<string, byte[]> { ["key"] = new byte[(1 << 20) + 1] } };

        var mapStatus = await ExpectStatus(422, () => Client.CoreV1.CreateNamespacedConfigMapAsync(map, "default"));
        var secretStatus = await ExpectStatus(422, () => Client.CoreV1.CreateNamespacedSecretAsync(secret, "default"));

        Assert.Equal(
            [
                "data[config/yaml]: Invalid value: \"config/yaml\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
                "data[..data]: Invalid value: \"..data\": must not start with '..'",
                ": Too long: may not be more than 1048576 bytes",
            ],
            Causes(mapStatus));
        Assert.Equal(["data: Too long: may not be more than 1048576 bytes"], Causes(secretStatus));
    }

    [Fact]
    public async Task PatchNode_LabelValueTooLong_RefusedAndNodeUnchanged()
    {
        await Client.CoreV1.CreateNodeAsync(new V1Node { Metadata = new V1ObjectMeta { Name = "gpu-1", Labels = new Dictionary<string, string> { ["ai.daalu.io/tenant"] = "team-a" } } });
        var value = new string('t', 70);

        var status = await ExpectStatus(422, () => Client.CoreV1.PatchNodeAsync(
            new V1Patch(new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["ai.daalu.io/tenant"] = value } } }.ToJsonString(), V1Patch.PatchType.MergePatch), "gpu-1"));

        Assert.Equal($"Node \"gpu-1\" is invalid: metadata.labels: Invalid value: \"{value}\": must be no more than 63 characters", status["message"]!.GetValue<string>());
        Assert.Equal("team-a", (await Client.CoreV1.ReadNodeAsync("gpu-1")).Metadata.Labels["ai.daalu.io/tenant"]);
    }

    [Fact]
    public async Task PatchNode_TaintWithoutEffect_Refused()
    {
        await Client.CoreV1.CreateNodeAsync(new V1Node { Metadata = new V1ObjectMeta { Name = "gpu-1" } });

        var status = await ExpectStatus(422, () => Client.CoreV1.PatchNodeAsync(
            new V1Patch("""{"spec":{"taints":[{"key":"nvidia.com/gpu","value":"present"}]}}""", V1Patch.PatchType.MergePatch), "gpu-1"));

        Assert.Equal(["spec.taints[0].effect: Required value"], Causes(status));
    }

    [Fact]
    public async Task CreateLease_ZeroDuration_Refused()
    {
        var lease = new V1Lease { Metadata = new V1ObjectMeta { Name = "daalu-operator" }, Spec = new V1LeaseSpec { HolderIdentity = "pod-a", LeaseDurationSeconds = 0 } };

        var status = await ExpectStatus(422, () => Client.CoordinationV1.CreateNamespacedLeaseAsync(lease, "default"));

        Assert.Equal(["spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0"], Causes(status));
    }

    [Fact]
    public async Task RuntimeClass_ServedClusterScoped_HandlerMustBeADnsLabelAndIsImmutable()
    {
        var created = await Client.NodeV1.CreateRuntimeClassAsync(new V1RuntimeClass { Metadata = new V1ObjectMeta { Name = "nvidia" }, Handler = "nvidia" });
        var bad = await ExpectStatus(422, () => Client.NodeV1.CreateRuntimeClassAsync(new V1RuntimeClass { Metadata = new V1ObjectMeta { Name = "bad" }, Handler = "NVIDIA.runc" }));
        created.Handler = "nvidia-cdi";
        var changed = await ExpectStatus(422, () => Client.NodeV1.ReplaceRuntimeClassAsync(created, "nvidia"));

        Assert.Equal([$"handler: Invalid value: \"NVIDIA.runc\": {Dns1123LabelMessage}"], Causes(bad));
        Assert.Equal(["handler: Invalid value: \"nvidia-cdi\": field is immutable"], Causes(changed));
        Assert.Equal("nvidia", (await Client.NodeV1.ReadRuntimeClassAsync("nvidia")).Handler);
    }

    [Fact]
    public async Task CreateCustomResource_InvalidLabelValue_RefusedLikeBuiltins()
    {
        var widget = Widget("w", 1);
        widget["metadata"]!["labels"] = new JsonObject { ["owner"] = "Team A" };

        var status = await ExpectStatus(422, () => CreateWidget(widget));

        Assert.Equal([$"metadata.labels: Invalid value: \"Team A\": {LabelValueMessage}"], Causes(status));
    }

    [Fact]
    public async Task Create_ValidDeploymentServiceConfigMapSecretAndLease_AreAccepted()
    {
        var deployment = Deployment();
        deployment.Spec.Template.Spec.Volumes = [new V1Volume { Name = "cache", EmptyDir = new V1EmptyDirVolumeSource() }];
        deployment.Spec.Template.Spec.Containers[0].VolumeMounts = [new V1VolumeMount { Name = "cache", MountPath = "/cache" }];
        deployment.Spec.Template.Spec.Containers[0].ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/health", Port = "http" } };

        await Client.AppsV1.CreateNamespacedDeploymentAsync(deployment, "default");
        await Client.CoreV1.CreateNamespacedServiceAsync(Service("web"), "default");
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cfg" }, Data = new Dictionary<string, string> { ["router.yaml"] = "x: 1", ["KEY_NAME"] = "v" } }, "default");
        await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "keys" }, StringData = new Dictionary<string, string> { ["api-key"] = "k" } }, "default");
        var lease = await Client.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease { Metadata = new V1ObjectMeta { Name = "leader" }, Spec = new V1LeaseSpec { HolderIdentity = "a", LeaseDurationSeconds = 15 } }, "default");

        Assert.Equal(15, lease.Spec.LeaseDurationSeconds);
        Assert.Single((await Client.AppsV1.ListNamespacedDeploymentAsync("default")).Items);
    }

    [SkippableFact]
    public async Task CreateDeployment_FieldOfTheWrongType_RefusedByTheKubernetesOpenApiSchema()
    {
        Skip.IfNot(Server.OpenApiSchemasChecked, "node or tests/js/node_modules/kubernetes-models is not available, so built-in objects are not checked against the OpenAPI schemas");
        var body = JsonNode.Parse(KubernetesJson.Serialize(Deployment()))!.AsObject();
        body["spec"]!["template"]!["spec"]!["containers"]![0]!["env"] = new JsonArray(new JsonObject { ["name"] = "PORT", ["value"] = 8080 });

        var status = await PostRaw("/apis/apps/v1/namespaces/default/deployments", body);

        Assert.Equal(["spec.template.spec.containers[0].env[0].value: Invalid value: 8080: must be string (Kubernetes OpenAPI schema)"], Causes(status));
    }

    [Fact]
    public async Task Options_BuiltinValidationOff_AcceptsWhatTheRealServerRefuses()
    {
        await using var lax = new KubeApiServer(options: new KubeApiServerOptions { ValidateBuiltinObjects = false, CheckOpenApiSchemas = false });
        using var client = lax.CreateClient("test");

        var created = await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment(labels: new Dictionary<string, string> { ["x"] = new string('a', 73) }), "default");

        Assert.Equal(73, created.Metadata.Labels["x"].Length);
    }

    private static V1Service Service(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1ServiceSpec
        {
            Selector = new Dictionary<string, string> { ["app"] = "web" },
            Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = "http" }],
        },
    };
}
