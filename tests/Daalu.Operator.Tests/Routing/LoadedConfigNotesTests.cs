using Daalu.Contracts.Status;
using Daalu.Operator.Routing;
using Xunit;

namespace Daalu.Operator.Tests.Routing;

public sealed class LoadedConfigNotesTests
{
    [Fact]
    public void Refusals_RefusedProvider_NamedWithReason()
    {
        var doc = new LoadedConfigDocument("0123456789abcdef", 1,
        [
            new ConfigVerdict(ConfigPartKinds.Backend, "own-a", ConfigVerdicts.Loaded, null),
            new ConfigVerdict(ConfigPartKinds.Provider, "anthropic", ConfigVerdicts.Refused, "no API key available"),
        ], [], null);

        Assert.Equal(" Refused: provider 'anthropic' (no API key available).", LoadedConfigNotes.Refusals(doc));
    }

    [Fact]
    public void Refusals_AllLoaded_Empty()
    {
        var doc = new LoadedConfigDocument("0123456789abcdef", 1, [new ConfigVerdict(ConfigPartKinds.Tenant, "team-a", ConfigVerdicts.Loaded, null)], [], null);

        Assert.Equal(string.Empty, LoadedConfigNotes.Refusals(doc));
    }
}
