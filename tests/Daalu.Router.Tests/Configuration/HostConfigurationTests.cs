using Daalu.Router.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Daalu.Router.Tests.Configuration;

public class HostConfigurationTests
{
    // The host's appsettings reload would watch the working directory recursively, where the default ledger lives, so
    // every outbox write would wake a watcher thread. The router's own config file has its own watcher.
    [Fact]
    public async Task Host_AppSettingsFiles_AreNotWatched()
    {
        await using var host = await RouterTestHost.StartAsync(TestConfigs.Standard("http://127.0.0.1:1", "http://127.0.0.1:2", null));
        var root = (IConfigurationRoot)host.Router.Services.GetRequiredService<IConfiguration>();
        var files = root.Providers.OfType<FileConfigurationProvider>().ToList();

        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.False(f.Source.ReloadOnChange, $"{f.Source.Path} is watched"));
    }
}
