using Daalu.Operator.Hosting;

namespace Daalu.Operator.Tests.Hosting;

public sealed class OperatorFlagsTests
{
    [Fact]
    public void Parse_NoArgs_Defaults()
    {
        var flags = OperatorFlags.Parse([]);

        Assert.False(flags.LeaderElect);
        Assert.Equal(8080, flags.MetricsPort);
        Assert.Equal(8081, flags.ProbePort);
        Assert.Equal("daalu-device-plugin", flags.DevicePluginNamespace);
        Assert.Equal(TimeSpan.FromSeconds(30), flags.DetectionInterval);
        Assert.Equal(8, flags.Workers);
    }

    [Fact]
    public void Parse_AllFlags_BothSyntaxes()
    {
        var flags = OperatorFlags.Parse(["--leader-elect", "--namespace=ops", "--metrics-port", "9090", "--probe-port=9091",
            "--device-plugin-namespace", "gpu-plugins", "--detection-interval=2m", "--workers", "3"]);

        Assert.True(flags.LeaderElect);
        Assert.Equal("ops", flags.Namespace);
        Assert.Equal(9090, flags.MetricsPort);
        Assert.Equal(9091, flags.ProbePort);
        Assert.Equal("gpu-plugins", flags.DevicePluginNamespace);
        Assert.Equal(TimeSpan.FromMinutes(2), flags.DetectionInterval);
        Assert.Equal(3, flags.Workers);
    }

    [Theory]
    [InlineData("--leader-elect=false", false)]
    [InlineData("--leader-elect=true", true)]
    public void Parse_LeaderElectValue_Honoured(string arg, bool expected) =>
        Assert.Equal(expected, OperatorFlags.Parse([arg]).LeaderElect);

    [Theory]
    [InlineData("--metrics-port", "0")]
    [InlineData("--metrics-port", "70000")]
    [InlineData("--probe-port", "http")]
    [InlineData("--namespace", "Bad_Name")]
    [InlineData("--detection-interval", "0s")]
    [InlineData("--detection-interval", "soon")]
    [InlineData("--detection-interval", "3d")]
    [InlineData("--workers", "0")]
    [InlineData("--workers", "65")]
    [InlineData("--workers", "many")]
    [InlineData("--bogus", "1")]
    public void Parse_BadValue_ClearError(string flag, string value)
    {
        var error = Assert.Throws<ArgumentException>(() => OperatorFlags.Parse([flag, value]));

        Assert.Contains(flag.TrimStart('-'), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingValue_ClearError() =>
        Assert.Contains("needs a value", Assert.Throws<ArgumentException>(() => OperatorFlags.Parse(["--namespace"])).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData(new string[0], null)]                                 // not given: detect nvidia
    [InlineData(new[] { "--gpu-runtime-class=auto" }, null)]
    [InlineData(new[] { "--gpu-runtime-class=" }, "")]                // the nodes' default runtime
    [InlineData(new[] { "--gpu-runtime-class", "" }, "")]
    [InlineData(new[] { "--gpu-runtime-class", "nvidia-cdi" }, "nvidia-cdi")]
    [InlineData(new[] { "--gpu-runtime-class=kata.nvidia" }, "kata.nvidia")]
    public void Parse_GpuRuntimeClass_AutoEmptyOrName(string[] args, string? expected) =>
        Assert.Equal(expected, OperatorFlags.Parse(args).GpuRuntimeClass);

    [Theory]
    [InlineData("--gpu-runtime-class=Nvidia")]
    [InlineData("--gpu-runtime-class=-nvidia")]
    [InlineData("--gpu-runtime-class=nv_idia")]
    public void Parse_GpuRuntimeClassNotAName_Refused(string arg)
    {
        var ex = Assert.Throws<ArgumentException>(() => OperatorFlags.Parse([arg]));
        Assert.Contains("--gpu-runtime-class must be auto, a RuntimeClass name or empty", ex.Message, StringComparison.Ordinal);
    }
}
