using Daalu.Contracts;

namespace Daalu.Router.Planning;

/// <summary>Model names that stand for "the right model for this request" rather than one model.</summary>
public static class ModelAliases
{
    /// <summary>Pick by request class (coding or general) and complexity.</summary>
    public const string Auto = "auto";

    /// <summary>A general-purpose model.</summary>
    public const string General = ModelPurposes.General;

    /// <summary>A coding model; implies request class coding.</summary>
    public const string Coding = ModelPurposes.Coding;

    /// <summary>Whether <paramref name="model"/> is an alias.</summary>
    public static bool IsAlias(string model) => model is Auto or General or Coding;

    /// <summary>The backend purpose an alias asks for.</summary>
    public static string PurposeFor(string alias, string requestClass) => alias switch
    {
        Coding => ModelPurposes.Coding,
        General => ModelPurposes.General,
        _ => requestClass == RequestClasses.Coding ? ModelPurposes.Coding : ModelPurposes.General,
    };
}
