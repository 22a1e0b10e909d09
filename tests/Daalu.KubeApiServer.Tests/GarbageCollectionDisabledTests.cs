using k8s;
using k8s.Models;

namespace Daalu.KubeApiServer.Tests;

/// <summary>With <see cref="KubeApiServerOptions.GarbageCollection"/> off nothing is collected until it is switched on again.</summary>
public sealed class GarbageCollectionDisabledTests() : TestCluster(new KubeApiServerOptions { GarbageCollection = false })
{
    [Fact]
    public async Task Delete_Owner_KeepsDependents_UntilTheCollectorIsOnAgain()
    {
        var owner = await CreateWidget(Widget("owner", 1));
        var uid = owner["metadata"]!["uid"]!.GetValue<string>();
        await Client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "child", OwnerReferences = [new V1OwnerReference { ApiVersion = Group + "/" + Version, Kind = "Widget", Name = "owner", Uid = uid }] } },
            "default");

        await Client.CustomObjects.DeleteNamespacedCustomObjectAsync(Group, Version, "default", "widgets", "owner");
        Assert.NotNull(await Client.CoreV1.ReadNamespacedConfigMapAsync("child", "default"));

        Server.Options.GarbageCollection = true;
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "unrelated" } }, "default");

        await ExpectStatus(404, () => Client.CoreV1.ReadNamespacedConfigMapAsync("child", "default"));
    }
}
