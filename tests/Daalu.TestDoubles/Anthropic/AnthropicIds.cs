using System.Security.Cryptography;

namespace Daalu.TestDoubles.Anthropic;

/// <summary>Ids shaped like Anthropic's (<c>msg_01...</c>, <c>toolu_01...</c>, <c>req_01...</c>).</summary>
internal static class AnthropicIds
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string New(string prefix) => prefix + "01" + RandomNumberGenerator.GetString(Alphabet, 22);
}
