using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Daalu.Contracts.RouterConfig;
using Daalu.Gateway.Abstractions;
using Daalu.Router.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Daalu.Router.Tests.Infrastructure;

/// <summary>
/// A real router on 127.0.0.1 (port 0) reading a config file from a temp dir, with test fakes for the gateway
/// seams. This is the way other test suites start a router in-process: RouterHost.StartAsync(new RouterHostOptions{...}).
/// </summary>
public sealed class RouterTestHost : IAsyncDisposable
{
    private RouterTestHost(string dir, RunningRouter router, FakeQuotaGate quota, FakeMeteringSink meter)
    {
        Dir = dir;
        Router = router;
        Quota = quota;
        Meter = meter;
        Client = new HttpClient { BaseAddress = new Uri(router.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Dir { get; }

    public string ConfigPath => Path.Combine(Dir, "router.json");

    public RunningRouter Router { get; }

    public FakeQuotaGate Quota { get; }

    public FakeMeteringSink Meter { get; }

    public HttpClient Client { get; }

    public static async Task<RouterTestHost> StartAsync(RouterConfiguration config, TimeProvider? time = null)
    {
        var dir = Directory.CreateTempSubdirectory("daalu-router-test-").FullName;
        var path = Path.Combine(dir, "router.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(config, RouterConfigJsonContext.Default.RouterConfiguration));
        var quota = new FakeQuotaGate();
        var meter = new FakeMeteringSink();
        var router = await RouterHost.StartAsync(new RouterHostOptions
        {
            ConfigPath = path,
            Urls = "http://127.0.0.1:0",
            Time = time,
            UseGateway = false,
            Authenticator = keys => new FakeAuthenticator(keys),
            ConfigPollInterval = TimeSpan.FromMilliseconds(200),
            ConfigureServices = s =>
            {
                s.AddSingleton<IQuotaGate>(quota);
                s.AddSingleton<IMeteringSink>(meter);
            },
        });
        return new RouterTestHost(dir, router, quota, meter);
    }

    public async Task WriteConfigAsync(RouterConfiguration config)
    {
        var tmp = ConfigPath + ".tmp";
        await File.WriteAllTextAsync(tmp, JsonSerializer.Serialize(config, RouterConfigJsonContext.Default.RouterConfiguration));
        File.Move(tmp, ConfigPath, overwrite: true);
    }

    public static HttpRequestMessage Chat(string key, string model = "m-general", bool stream = false, string? requestClass = null, string? extra = null, bool includeUsage = false)
    {
        var so = includeUsage ? ",\"stream_options\":{\"include_usage\":true}" : "";
        var body = $"{{\"model\":\"{model}\",\"stream\":{(stream ? "true" : "false")}{so},\"messages\":[{{\"role\":\"user\",\"content\":\"Hello there\"}}]{extra}}}";
        return Post("/v1/chat/completions", key, body, requestClass);
    }

    public static HttpRequestMessage Post(string path, string? key, string body, string? requestClass = null)
    {
        var req = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (requestClass is not null)
        {
            req.Headers.Add("X-Daalu-Request-Class", requestClass);
        }

        return req;
    }

    public async Task<(HttpResponseMessage Response, string Body)> SendAsync(HttpRequestMessage req, CancellationToken ct = default)
    {
        var resp = await Client.SendAsync(req, ct);
        var body = await resp.Content.ReadAsStringAsync(ct);
        return (resp, body);
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, int timeoutMs = 5000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("condition not reached");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Router.DisposeAsync();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
