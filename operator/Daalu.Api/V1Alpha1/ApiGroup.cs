namespace Daalu.Api.V1Alpha1;

/// <summary>The API group and version of every Daalu custom resource.</summary>
public static class ApiGroup
{
    /// <summary>The API group.</summary>
    public const string Group = "ai.daalu.io";

    /// <summary>The served and stored version.</summary>
    public const string Version = "v1alpha1";

    /// <summary><c>group/version</c> as written in <c>apiVersion</c>.</summary>
    public const string ApiVersion = Group + "/" + Version;

    /// <summary>The kubectl category every kind belongs to (<c>kubectl get daalu</c>).</summary>
    public const string Category = "daalu";
}
