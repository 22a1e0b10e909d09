namespace Daalu.Api.Tests;

/// <summary>Locates the repository root (the directory holding Daalu.Operator.sln) from the test binaries.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Daalu.Operator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root (Daalu.Operator.sln) not found above " + AppContext.BaseDirectory);
    }
}
