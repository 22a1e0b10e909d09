using System.Globalization;
using Npgsql;

namespace Daalu.Gateway.Postgres;

/// <summary>
/// Accepts the ledger's connection string in either form a Secret usually holds: Npgsql's <c>Key=Value;…</c>, or a
/// libpq URI <c>postgresql://user:password@host:port/database?sslmode=require</c> (the <c>uri</c> key of the Secret
/// CloudNativePG creates for a Cluster's application user, cloudnative-pg.io/documentation "Connecting from an
/// application"). Npgsql itself takes only the first form, so a URI is translated (pure).
/// </summary>
public static class PostgresConnectionString
{
    /// <summary>An Npgsql connection string for <paramref name="value"/>. Throws <see cref="ArgumentException"/> on a malformed URI.</summary>
    public static string Normalize(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        var trimmed = value.Trim();
        if (!trimmed.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) && !trimmed.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase))
        {
            return trimmed;
        }

        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException("The PostgreSQL URI is not valid (expected postgresql://user:password@host:port/database).", nameof(value));
        }

        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host };
        if (!uri.IsDefaultPort && uri.Port > 0)
        {
            builder.Port = uri.Port;
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var v = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
            switch (key.ToLowerInvariant())
            {
                case "sslmode":
                    builder.SslMode = Enum.Parse<SslMode>(v.Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true);
                    break;
                case "connect_timeout":
                    builder.Timeout = int.Parse(v, NumberStyles.None, CultureInfo.InvariantCulture);
                    break;
                case "application_name":
                    builder.ApplicationName = v;
                    break;
                default:
                    break; // libpq options Npgsql has no equivalent for are ignored
            }
        }

        return builder.ConnectionString;
    }
}
