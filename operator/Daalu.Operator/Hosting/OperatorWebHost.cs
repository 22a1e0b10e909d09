namespace Daalu.Operator.Hosting;

/// <summary>The operator's web host: metrics and probes only.</summary>
public static class OperatorWebHost
{
    /// <summary>
    /// A slim builder without the host's appsettings reload: that reload puts a recursive file watcher on the content
    /// root (the working directory), a thread and an inotify watch per directory below it, for files the operator does
    /// not ship. Its settings are flags and environment variables (<see cref="OperatorFlags"/>), read once.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder() =>
        WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
}
