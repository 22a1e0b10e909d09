using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Daalu.KubeApiServer.Tests;

/// <summary>
/// apps/v1 StatefulSets as the real API server serves them. Defaults after kubernetes/kubernetes
/// pkg/apis/apps/v1/defaults.go (SetDefaults_StatefulSet) and core v1's claim defaults; validation and the wording after
/// pkg/apis/apps/validation/validation.go (ValidateStatefulSetName, ValidateStatefulSetSpec, ValidateStatefulSetUpdate,
/// with StatefulSetStartOrdinal GA since 1.31, so the update message lists 'ordinals').
/// </summary>
public sealed class StatefulSetTests : TestCluster
{
    private const string ImmutableMessage = "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

    private static V1StatefulSet StatefulSet(string name = "db")
    {
        var selector = new Dictionary<string, string> { ["app"] = "db" };
        return new V1StatefulSet
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1StatefulSetSpec
            {
                ServiceName = "db",
                Replicas = 2,
                Selector = new V1LabelSelector { MatchLabels = selector },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string>(selector) },
                    Spec = new V1PodSpec
                    {
                        // The mount names the claim template, not a pod volume: the real server does not check the pod spec.
                        Containers = [new V1Container { Name = "db", Image = "postgres:15", VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = "/var/lib/data" }] }],
                    },
                },
                VolumeClaimTemplates =
                [
                    new V1PersistentVolumeClaim
                    {
                        Metadata = new V1ObjectMeta { Name = "data" },
                        Spec = new V1PersistentVolumeClaimSpec
                        {
                            AccessModes = ["ReadWriteOnce"],
                            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
                        },
                    },
                ],
            },
        };
    }

    private static List<string> Causes(JsonObject status) =>
        status["details"]!["causes"]!.AsArray().Select(c => $"{c!["field"]!.GetValue<string>()}: {c["message"]!.GetValue<string>()}").ToList();

    [Fact]
    public async Task Create_MinimalSpec_DefaultedAsTheRealServer()
    {
        var created = await Client.AppsV1.CreateNamespacedStatefulSetAsync(StatefulSet(), "default");

        Assert.Equal("OrderedReady", created.Spec.PodManagementPolicy);
        Assert.Equal("RollingUpdate", created.Spec.UpdateStrategy.Type);
        Assert.Equal(0, created.Spec.UpdateStrategy.RollingUpdate.Partition);
        Assert.Equal("Retain", created.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted);
        Assert.Equal("Retain", created.Spec.PersistentVolumeClaimRetentionPolicy.WhenScaled);
        Assert.Equal(10, created.Spec.RevisionHistoryLimit);
        var claim = Assert.Single(created.Spec.VolumeClaimTemplates);
        Assert.Equal("Filesystem", claim.Spec.VolumeMode);
        Assert.Equal("Pending", claim.Status.Phase);
        Assert.Equal("Always", created.Spec.Template.Spec.RestartPolicy);
        Assert.Equal(0, created.Status.Replicas);
        Assert.Equal(1, created.Metadata.Generation);
        var listed = await Client.AppsV1.ListNamespacedStatefulSetAsync("default");
        Assert.Equal("db", Assert.Single(listed.Items).Metadata.Name);
    }

    [Fact]
    public async Task Create_SelectorNotMatchingTemplate_Refused()
    {
        var set = StatefulSet();
        set.Spec.Template.Metadata.Labels = new Dictionary<string, string> { ["app"] = "other" };

        var status = await ExpectStatus(422, () => Client.AppsV1.CreateNamespacedStatefulSetAsync(set, "default"));

        Assert.Equal(["spec.template.metadata.labels: Invalid value: {\"app\":\"other\"}: `selector` does not match template `labels`"], Causes(status));
    }

    [Fact]
    public async Task Create_WithoutSelectorAndWithBadPolicies_ListsEveryCause()
    {
        var set = StatefulSet();
        set.Spec.Selector = null;
        set.Spec.PodManagementPolicy = "Burst";
        set.Spec.UpdateStrategy = new V1StatefulSetUpdateStrategy { Type = "OnDelete", RollingUpdate = new V1RollingUpdateStatefulSetStrategy { Partition = 1 } };
        set.Spec.PersistentVolumeClaimRetentionPolicy = new V1StatefulSetPersistentVolumeClaimRetentionPolicy { WhenDeleted = "Keep", WhenScaled = "Delete" };
        set.Spec.Replicas = -1;

        var status = await ExpectStatus(422, () => Client.AppsV1.CreateNamespacedStatefulSetAsync(set, "default"));

        Assert.Equal(
        [
            "spec.podManagementPolicy: Invalid value: \"Burst\": must be 'OrderedReady' or 'Parallel'",
            "spec.updateStrategy.rollingUpdate: Invalid value: {\"partition\":1}: only allowed for updateStrategy 'RollingUpdate'",
            "spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: \"Keep\": supported values: \"Retain\", \"Delete\"",
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
            "spec.selector: Required value",
            "spec.template.metadata.labels: Invalid value: {\"app\":\"db\"}: `selector` does not match template `labels`",
        ], Causes(status));
    }

    [Fact]
    public async Task Create_NameWithADot_RefusedAsDns1123Label()
    {
        var status = await ExpectStatus(422, () => Client.AppsV1.CreateNamespacedStatefulSetAsync(StatefulSet("db.v2"), "default"));

        Assert.Contains("metadata.name", Causes(status).Single());
    }

    [Fact]
    public async Task Update_ReplicasTemplateStrategyAndRetention_Accepted()
    {
        var created = await Client.AppsV1.CreateNamespacedStatefulSetAsync(StatefulSet(), "default");
        created.Spec.Replicas = 3;
        created.Spec.Template.Spec.Containers[0].Image = "postgres:16";
        created.Spec.UpdateStrategy = new V1StatefulSetUpdateStrategy { Type = "OnDelete" };
        created.Spec.PersistentVolumeClaimRetentionPolicy = new V1StatefulSetPersistentVolumeClaimRetentionPolicy { WhenDeleted = "Delete", WhenScaled = "Retain" };
        created.Spec.MinReadySeconds = 5;

        var updated = await Client.AppsV1.ReplaceNamespacedStatefulSetAsync(created, "db", "default");

        Assert.Equal(3, updated.Spec.Replicas);
        Assert.Equal("postgres:16", updated.Spec.Template.Spec.Containers[0].Image);
        Assert.Equal(2, updated.Metadata.Generation);
    }

    [Theory]
    [InlineData("serviceName")]
    [InlineData("volumeClaimTemplates")]
    [InlineData("podManagementPolicy")]
    [InlineData("selector")]
    [InlineData("revisionHistoryLimit")]
    public async Task Update_ImmutableField_ForbiddenWithTheRealMessage(string field)
    {
        var created = await Client.AppsV1.CreateNamespacedStatefulSetAsync(StatefulSet(), "default");
        switch (field)
        {
            case "serviceName":
                created.Spec.ServiceName = "db-headless";
                break;
            case "volumeClaimTemplates":
                created.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests["storage"] = new ResourceQuantity("2Gi");
                break;
            case "podManagementPolicy":
                created.Spec.PodManagementPolicy = "Parallel";
                break;
            case "selector":
                created.Spec.Selector.MatchLabels["tier"] = "data";
                created.Spec.Template.Metadata.Labels["tier"] = "data";
                break;
            case "revisionHistoryLimit":
                created.Spec.RevisionHistoryLimit = 3;
                break;
        }

        var status = await ExpectStatus(422, () => Client.AppsV1.ReplaceNamespacedStatefulSetAsync(created, "db", "default"));

        Assert.Equal([$"spec: {ImmutableMessage}"], Causes(status));
        Assert.Equal($"StatefulSet.apps \"db\" is invalid: spec: {ImmutableMessage}", status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task ReplaceStatus_ReadyReplicas_WrittenThroughTheSubresourceOnly()
    {
        var created = await Client.AppsV1.CreateNamespacedStatefulSetAsync(StatefulSet(), "default");
        created.Status = new V1StatefulSetStatus { Replicas = 2, ReadyReplicas = 2, AvailableReplicas = 2 };

        var updated = await Client.AppsV1.ReplaceNamespacedStatefulSetStatusAsync(created, "db", "default");
        created.Status = new V1StatefulSetStatus { Replicas = 0 };
        created.Metadata.ResourceVersion = updated.Metadata.ResourceVersion;
        var main = await Client.AppsV1.ReplaceNamespacedStatefulSetAsync(created, "db", "default");

        Assert.Equal(2, updated.Status.ReadyReplicas);
        Assert.Equal(2, main.Status.ReadyReplicas);
        Assert.Equal(1, main.Metadata.Generation);
    }
}
