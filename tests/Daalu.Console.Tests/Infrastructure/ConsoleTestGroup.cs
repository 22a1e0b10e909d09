namespace Daalu.Console.Tests.Infrastructure;

/// <summary>All console tests share one router world and one browser (starting either costs seconds); xunit runs a collection's tests one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class ConsoleTestGroup : ICollectionFixture<ConsoleWorld>, ICollectionFixture<BrowserHost>
{
    public const string Name = "console";
}
