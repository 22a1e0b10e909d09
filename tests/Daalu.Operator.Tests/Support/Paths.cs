namespace Daalu.Operator.Tests.Support;

/// <summary>Locations in the repository, found by walking up from the test binary.</summary>
internal static class Paths
{
    public static string RepoRoot { get; } = FindRoot();

    public static string Crds => Path.Combine(RepoRoot, "crds");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Daalu.Operator.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root (Daalu.Operator.sln) not found");
    }
}
