using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Daalu.KubeApiServer.Tests;

/// <summary>
/// Resource quantities and volume mounts are refused as the real API server refuses them. Decoding: a quantity that
/// does not parse fails the whole object with 400 and apimachinery's ParseQuantity error (pkg/api/resource/quantity.go:
/// ErrFormatWrong, ErrSuffix, ErrNumeric), worded "&lt;Kind&gt; in version "v1" cannot be handled as a &lt;Kind&gt;: ..."
/// as in public reports of real servers (e.g. stackrox/acs-fleet-manager#1748, strimzi-kafka-operator#8430).
/// Validation (422): kubernetes pkg/apis/core/validation ValidateResourceRequirements / ValidateNonnegativeQuantity
/// ("must be greater than or equal to 0", "must be less than or equal to cpu limit of 1", "Limit must be set for non
/// overcommitable resources") and validateContainers' volume mount lookup ("Not found").
/// </summary>
public sealed class ResourceQuantityValidationTests : TestCluster
{
    private const string FormatWrong = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

    [Theory]
    [InlineData("2 cores", FormatWrong)]
    [InlineData("1Gb", FormatWrong)]
    [InlineData("512Gu", "unable to parse quantity's suffix")]
    [InlineData("Mi", "unable to parse numeric part of quantity")]
    public async Task CreateDeployment_QuantityThatDoesNotParse_Returns400CannotBeHandled(string quantity, string error)
    {
        var (code, status) = await PostAsync("/apis/apps/v1/namespaces/default/deployments", Deployment(requests: new() { ["memory"] = quantity }));

        Assert.Equal(400, code);
        Assert.Equal("BadRequest", status["reason"]!.GetValue<string>());
        Assert.Equal($"Deployment in version \"v1\" cannot be handled as a Deployment: {error}", status["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("500m")]
    [InlineData("1.5")]
    [InlineData(".5")]
    [InlineData("8Gi")]
    [InlineData("1e3")]
    [InlineData("+2k")]
    public async Task CreateDeployment_QuantityInEveryForm_Created(string quantity)
    {
        var (code, _) = await PostAsync("/apis/apps/v1/namespaces/default/deployments", Deployment(requests: new() { ["cpu"] = quantity }));

        Assert.Equal(201, code);
    }

    [Fact]
    public async Task CreateDeployment_BareNumberQuantity_Created()
    {
        // Quantity.UnmarshalJSON takes a JSON number as well as a string.
        var body = Deployment();
        body["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"] = new JsonObject { ["requests"] = new JsonObject { ["cpu"] = 1 } };

        var (code, _) = await PostAsync("/apis/apps/v1/namespaces/default/deployments", body);

        Assert.Equal(201, code);
    }

    [Fact]
    public async Task CreateDeployment_NegativeRequestAboveLimitAndGpuWithoutLimit_Returns422WithTheRealServersMessages()
    {
        var body = Deployment(
            requests: new() { ["cpu"] = "-1", ["memory"] = "2Gi", ["nvidia.com/gpu"] = "1" },
            limits: new() { ["memory"] = "1Gi" });

        var (code, status) = await PostAsync("/apis/apps/v1/namespaces/default/deployments", body);

        Assert.Equal(422, code);
        Assert.Equal(
            [
                "spec.template.spec.containers[0].resources.requests[cpu]: Invalid value: \"-1\": must be greater than or equal to 0",
                "spec.template.spec.containers[0].resources.requests: Invalid value: \"2Gi\": must be less than or equal to memory limit of 1Gi",
                "spec.template.spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources",
            ],
            Causes(status));
    }

    [Fact]
    public async Task CreateDeployment_GpuRequestDiffersFromLimitOrFractional_Returns422()
    {
        var body = Deployment(requests: new() { ["nvidia.com/gpu"] = "1" }, limits: new() { ["nvidia.com/gpu"] = "1.5" });

        var (code, status) = await PostAsync("/apis/apps/v1/namespaces/default/deployments", body);

        Assert.Equal(422, code);
        Assert.Equal(
            [
                "spec.template.spec.containers[0].resources.limits[nvidia.com/gpu]: Invalid value: \"1.5\": must be an integer",
                "spec.template.spec.containers[0].resources.requests: Invalid value: \"1\": must be equal to nvidia.com/gpu limit of 1.5",
            ],
            Causes(status));
    }

    [Fact]
    public async Task CreatePod_VolumeMountWithoutVolume_Returns422NotFound()
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "inspect" },
            Spec = new V1PodSpec
            {
                Containers = [new V1Container { Name = "c", Image = "img:1", VolumeMounts = [new V1VolumeMount { Name = "weights", MountPath = "/models" }] }],
                Volumes = [new V1Volume { Name = "cache", EmptyDir = new V1EmptyDirVolumeSource() }],
            },
        };

        var status = await ExpectStatus(422, () => Client.CoreV1.CreateNamespacedPodAsync(pod, "default"));

        Assert.Equal(["spec.containers[0].volumeMounts[0].name: Not found: \"weights\""], Causes(status));
    }

    [Fact]
    public async Task CreateClaim_StorageThatDoesNotParse_Returns400()
    {
        var claim = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "PersistentVolumeClaim",
            ["metadata"] = new JsonObject { ["name"] = "cache" },
            ["spec"] = new JsonObject
            {
                ["accessModes"] = new JsonArray("ReadWriteOnce"),
                ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["storage"] = "50 GiB" } },
            },
        };

        var (code, status) = await PostAsync("/api/v1/namespaces/default/persistentvolumeclaims", claim);

        Assert.Equal(400, code);
        Assert.Equal($"PersistentVolumeClaim in version \"v1\" cannot be handled as a PersistentVolumeClaim: {FormatWrong}", status["message"]!.GetValue<string>());
    }

    private static List<string> Causes(JsonObject status) =>
        status["details"]!["causes"]!.AsArray().Select(c => $"{c!["field"]!.GetValue<string>()}: {c["message"]!.GetValue<string>()}").ToList();

    // Raw JSON: the client's ResourceQuantity would refuse to serialise a malformed quantity before the server sees it.
    private static JsonObject Deployment(Dictionary<string, string>? requests = null, Dictionary<string, string>? limits = null)
    {
        var resources = new JsonObject();
        if (requests is not null)
        {
            resources["requests"] = new JsonObject(requests.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));
        }

        if (limits is not null)
        {
            resources["limits"] = new JsonObject(limits.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));
        }

        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = new JsonObject { ["name"] = "web" },
            ["spec"] = new JsonObject
            {
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = "web" } },
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = "web" } },
                    ["spec"] = new JsonObject
                    {
                        ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "nginx:1.27", ["resources"] = resources }),
                    },
                },
            },
        };
    }

    private async Task<(int Code, JsonObject Body)> PostAsync(string path, JsonObject body)
    {
        using var http = new HttpClient();
        var response = await http.PostAsync(Server.BaseUrl + path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }
}
