using System.Security.Cryptography;
using System.Text;

namespace Daalu.Router.Classification.Judging;

/// <summary>
/// Names a conversation by what every request of it repeats: the tenant, the system texts and the first user message
/// (an agent loop or a chat resends them with each call and appends the rest). A SHA-256 digest, so the cache holds no
/// prompt text.
/// </summary>
public static class ConversationKey
{
    /// <summary>The key of the conversation a request belongs to.</summary>
    public static string Compute(string tenant, RequestText text)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(text);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(sha, tenant);
        var firstUser = int.MaxValue;
        foreach (var s in text.Segments)
        {
            if (s.Role is "user" or "prompt")
            {
                firstUser = s.Message;
                break;
            }
        }

        foreach (var s in text.Segments)
        {
            if (s.Message <= firstUser && s.Role is "system" or "developer" or "user" or "prompt")
            {
                Append(sha, s.Role);
                Append(sha, s.Text);
            }
        }

        Span<byte> digest = stackalloc byte[32];
        sha.GetHashAndReset(digest);
        return Convert.ToHexString(digest[..16]);
    }

    private static void Append(IncrementalHash sha, string value)
    {
        // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
        Span<byte> length = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, value.Length);
        sha.AppendData(length);
        sha.AppendData(Encoding.UTF8.GetBytes(value));
    }
}
