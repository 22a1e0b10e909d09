using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;

namespace Daalu.KubeApiServer.Tests;

/// <summary>Per-test server with the fixture CRDs and a client; helpers for custom objects as JSON.</summary>
public abstract class TestCluster : IAsyncLifetime
{
    public const string Group = "test.daalu.io";
    public const string Version = "v1";

    protected TestCluster(KubeApiServerOptions? options = null)
    {
        Server = new KubeApiServer(
            [Path.Combine(AppContext.BaseDirectory, "Fixtures", "widgets.yaml"), Path.Combine(AppContext.BaseDirectory, "Fixtures", "gadgets.yaml")],
            options);
        Client = Server.CreateClient("test");
    }

    protected KubeApiServer Server { get; }

    protected Kubernetes Client { get; }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }

    protected static JsonObject Widget(string name, int size, string? color = null, string ns = "default")
    {
        var spec = new JsonObject { ["size"] = size };
        if (color is not null)
        {
            spec["color"] = color;
        }

        return new JsonObject
        {
            ["apiVersion"] = Group + "/" + Version,
            ["kind"] = "Widget",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["spec"] = spec,
        };
    }

    protected static JsonObject AsNode(object o) => o switch
    {
        JsonElement e => JsonNode.Parse(e.GetRawText())!.AsObject(),
        JsonObject j => j,
        _ => JsonNode.Parse(KubernetesJson.Serialize(o))!.AsObject(),
    };

    protected async Task<JsonObject> CreateWidget(JsonObject widget, string ns = "default") =>
        AsNode(await Client.CustomObjects.CreateNamespacedCustomObjectAsync(widget, Group, Version, ns, "widgets"));

    protected async Task<JsonObject> GetWidget(string name, string ns = "default") =>
        AsNode(await Client.CustomObjects.GetNamespacedCustomObjectAsync(Group, Version, ns, "widgets", name));

    protected static string Rv(JsonObject o) => o["metadata"]!["resourceVersion"]!.GetValue<string>();

    protected static long Generation(JsonObject o) => o["metadata"]!["generation"]!.GetValue<long>();

    protected static async Task<JsonObject> ExpectStatus(int code, Func<Task> action)
    {
        var e = await Assert.ThrowsAsync<HttpOperationException>(action);
        Assert.Equal(code, (int)e.Response.StatusCode);
        return JsonNode.Parse(e.Response.Content)!.AsObject();
    }
}
