using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Daalu.Contracts.RouterConfig;
using Daalu.Gateway.Abstractions;

namespace Daalu.Router.Configuration;

/// <summary>Reads, validates and compiles a configuration file into a <see cref="RouterSnapshot"/>.</summary>
public static class RouterConfigLoader
{
    /// <summary>Loads <paramref name="path"/> (YAML, or JSON when it ends in .json or starts with '{').</summary>
    /// <exception cref="ConfigLoadException">The file is unreadable, malformed or invalid; the message says why.</exception>
    public static RouterSnapshot Load(string path, TenantAuthenticatorFactory authenticatorFactory)
    {
        ArgumentNullException.ThrowIfNull(authenticatorFactory);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException ex)
        {
            throw new ConfigLoadException($"cannot read {path}: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new ConfigLoadException($"cannot read {path}: {ex.Message}", ex);
        }

        var baseDir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        return Compile(Parse(bytes, path), bytes, baseDir, authenticatorFactory);
    }

    /// <summary>
    /// A fingerprint of everything a load of <paramref name="path"/> reads when it holds <paramref name="config"/>: the
    /// file's bytes and every secret the document refers to (files and environment variables). An equal fingerprint
    /// means a reload would build the same snapshot, so the periodic poll compares this first: a full load parses,
    /// validates and hashes every key, and on a one-core router its CPU (and the JIT compiling it) landed on the
    /// requests in flight every poll interval (hack/bench/tail.sh).
    /// </summary>
    internal static string InputsFingerprint(string path, RouterConfiguration config)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, TryReadAllBytes(path));
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        var sources = config.Tenants.SelectMany(t => t.Keys)
            .Concat(config.Providers.Select(p => p.ApiKey))
            .Concat(config.Backends.Select(b => b.ApiKey));
        foreach (var source in sources)
        {
            if (source is null)
            {
                continue;
            }

            if (!string.IsNullOrWhiteSpace(source.File))
            {
                var full = SecretFilePath(source.File, baseDir);
                Append(hash, Encoding.UTF8.GetBytes(full));
                Append(hash, TryReadAllBytes(full));
            }
            else if (!string.IsNullOrWhiteSpace(source.Env))
            {
                Append(hash, Encoding.UTF8.GetBytes(source.Env));
                Append(hash, Environment.GetEnvironmentVariable(source.Env) is { } value ? Encoding.UTF8.GetBytes(value) : null);
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());

        // Length-prefixed, so no two different inputs run together into the same bytes; null (unreadable) is -1.
        static void Append(IncrementalHash hash, byte[]? bytes)
        {
            Span<byte> length = stackalloc byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, bytes?.Length ?? -1);
            hash.AppendData(length);
            if (bytes is not null)
            {
                hash.AppendData(bytes);
            }
        }

        static byte[]? TryReadAllBytes(string file)
        {
            try
            {
                return File.ReadAllBytes(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }
    }

    /// <summary>Parses a document without validating it.</summary>
    public static RouterConfiguration Parse(byte[] bytes, string nameForMessages)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new ConfigLoadException($"{nameForMessages} is not valid UTF-8");
        }

        try
        {
            var trimmed = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
            RouterConfiguration? config;
            if (nameForMessages.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith('{'))
            {
                config = JsonSerializer.Deserialize(trimmed, RouterConfigJsonContext.Default.RouterConfiguration);
            }
            else
            {
                var node = YamlToJson.Convert(text);
                config = node is null ? null : node.Deserialize(RouterConfigJsonContext.Default.RouterConfiguration);
            }

            return config ?? throw new ConfigLoadException($"{nameForMessages} is empty");
        }
        catch (JsonException ex)
        {
            throw new ConfigLoadException($"{nameForMessages}: {ex.Message}", ex);
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new ConfigLoadException($"{nameForMessages}: YAML error at line {ex.Start.Line}: {ex.Message}", ex);
        }
    }

    /// <summary>Validates <paramref name="config"/>, reads its secrets and builds the snapshot.</summary>
    public static RouterSnapshot Compile(RouterConfiguration config, byte[] sourceBytes, string baseDir, TenantAuthenticatorFactory authenticatorFactory)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(authenticatorFactory);
        var errors = new List<string>(RouterConfigValidator.Validate(config));
        var warnings = new List<string>();
        if (errors.Count > 0)
        {
            throw new ConfigLoadException("invalid configuration: " + string.Join("; ", errors));
        }

        var providers = config.Providers.Select(p =>
        {
            var key = p.ApiKey is null ? null : ReadSecret(p.ApiKey, baseDir, $"provider '{p.Name}' key", null, warnings);
            if (key is null)
            {
                warnings.Add($"provider '{p.Name}' has no API key available and will be skipped");
            }

            return new ProviderRuntime(p, key);
        }).ToArray();

        var backendKeys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var b in config.Backends)
        {
            if (b.ApiKey is not null)
            {
                var key = ReadSecret(b.ApiKey, baseDir, $"backend '{b.Name}' key", errors, warnings);
                if (key is not null)
                {
                    backendKeys[b.Name] = key;
                }
            }
        }

        var compiled = config.Policies.ToDictionary(p => p.Name, p => new CompiledPolicy(p, providers), StringComparer.Ordinal);
        var defaultPolicy = config.Policies.FirstOrDefault(p => p.Tenants.Count == 0) is { } d ? compiled[d.Name] : CompiledPolicy.Fallback;
        var tenants = new Dictionary<string, TenantRuntime>(StringComparer.Ordinal);
        var keys = new List<TenantKeyEntry>();
        var seenKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in config.Tenants)
        {
            var policy = !string.IsNullOrEmpty(t.Policy)
                ? compiled[t.Policy]
                : config.Policies.FirstOrDefault(p => p.Tenants.Contains(t.Name, StringComparer.Ordinal)) is { } own ? compiled[own.Name] : defaultPolicy;
            TenantPlan? plan = t.Plan is { } p
                ? new TenantPlan(t.Name, p.Enrolled, p.MonthlyTokenBudget, p.TokensPerMinute, p.RequestsPerMinute, p.DefaultMaxTokens,
                    p.InputPerMTok, p.OutputPerMTok, p.ReferenceInputPerMTok, p.ReferenceOutputPerMTok, p.ShadowMode, t.Admin)
                : null;
            tenants[t.Name] = new TenantRuntime(t.Name, t.Admin, plan, policy, t);
            for (var i = 0; i < t.Keys.Count; i++)
            {
                var key = ReadSecret(t.Keys[i], baseDir, $"tenant '{t.Name}' key #{i + 1}", errors, warnings);
                if (key is null)
                {
                    continue;
                }

                if (key.Length < 8)
                {
                    errors.Add($"tenant '{t.Name}' key #{i + 1} is shorter than 8 characters");
                }
                else if (!seenKeys.Add(key))
                {
                    errors.Add($"tenant '{t.Name}' key #{i + 1} is also used by another tenant or key");
                }
                else
                {
                    keys.Add(new TenantKeyEntry(t.Name, t.Admin, key));
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new ConfigLoadException("invalid configuration: " + string.Join("; ", errors));
        }

        var hash = ConfigHash.Of(sourceBytes);
        var secrets = string.Join("\n", keys.Select(k => k.Tenant + "=" + k.Key)
            .Concat(providers.Select(p => p.Name + "=" + p.ApiKey))
            .Concat(backendKeys.Select(b => b.Key + "=" + b.Value)));
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secrets)));
        return new RouterSnapshot(config, hash, tenants.ToFrozenDictionary(StringComparer.Ordinal), providers,
            backendKeys.ToFrozenDictionary(StringComparer.Ordinal), authenticatorFactory(keys), warnings, fingerprint);
    }

    // A secret file named relative to the configuration file's directory, or absolute.
    private static string SecretFilePath(string file, string baseDir) => Path.IsPathRooted(file) ? file : Path.Combine(baseDir, file);

    // errors == null: a missing secret is tolerated (providers are optional); otherwise it invalidates the file.
    private static string? ReadSecret(SecretSource source, string baseDir, string what, List<string>? errors, List<string> warnings)
    {
        if (!string.IsNullOrWhiteSpace(source.File))
        {
            var full = SecretFilePath(source.File, baseDir);
            try
            {
                var v = File.ReadAllText(full).Trim();
                if (v.Length > 0)
                {
                    return v;
                }

                errors?.Add($"{what}: file {source.File} is empty");
                return null;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                errors?.Add($"{what}: cannot read file {source.File} ({ex.GetType().Name})");
                return null;
            }
        }

        if (!string.IsNullOrWhiteSpace(source.Env))
        {
            var v = Environment.GetEnvironmentVariable(source.Env)?.Trim();
            if (!string.IsNullOrEmpty(v))
            {
                return v;
            }

            errors?.Add($"{what}: environment variable {source.Env} is not set");
            return null;
        }

        if (!string.IsNullOrEmpty(source.Value))
        {
            warnings.Add($"{what} is inline in the configuration file (local development only)");
            return source.Value;
        }

        return null;
    }
}
