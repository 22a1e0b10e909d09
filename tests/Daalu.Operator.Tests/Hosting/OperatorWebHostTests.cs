using Daalu.Operator.Hosting;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Daalu.Operator.Tests.Hosting;

public class OperatorWebHostTests
{
    // The host's appsettings reload would watch the working directory recursively (the benchmark's operator, started
    // from the repository, held 1,534 watched directories); the operator reads flags and environment variables once.
    [Fact]
    public void CreateBuilder_AppSettingsFiles_AreNotWatched()
    {
        var builder = OperatorWebHost.CreateBuilder();
        var files = ((IConfigurationRoot)builder.Configuration).Providers.OfType<FileConfigurationProvider>().ToList();

        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.False(f.Source.ReloadOnChange, $"{f.Source.Path} is watched"));
    }
}
