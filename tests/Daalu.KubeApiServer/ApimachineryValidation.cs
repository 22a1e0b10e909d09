using System.Globalization;
using System.Text.RegularExpressions;

namespace Daalu.KubeApiServer;

/// <summary>
/// The string checks of the real API server, with its exact messages, written after kubernetes/apimachinery at
/// commit eed236ceee2c19c2753a3d93ac0631dc20750454 (2026-07-23): pkg/util/validation/validation.go (IsDNS1123Label,
/// IsDNS1123Subdomain, IsDNS1035Label, IsValidPortNum, IsValidPortName, IsConfigMapKey, MaxLenError, RegexError,
/// InclusiveRangeError) and pkg/api/validate/content/kube.go (IsLabelKey, alias IsQualifiedName, and IsLabelValue).
/// Each returns the list of failure messages, empty when the value is valid; callers wrap each message in a field
/// error (<see cref="FieldErrors"/>) as the API server does.
/// </summary>
internal static partial class ApimachineryValidation
{
    public const int Dns1123LabelMaxLength = 63;
    public const int Dns1123SubdomainMaxLength = 253;
    public const int Dns1035LabelMaxLength = 63;
    public const int LabelValueMaxLength = 63;
    public const int LabelKeyNameMaxLength = 63;

    private const string Dns1123LabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private const string Dns1123LabelErrMsg = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
    private const string Dns1123SubdomainFmt = Dns1123LabelFmt + "(\\." + Dns1123LabelFmt + ")*";
    private const string Dns1123SubdomainErrMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
    private const string Dns1035LabelFmt = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private const string Dns1035LabelErrMsg = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
    private const string LabelKeyFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private const string LabelKeyErrMsg = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private const string LabelValueFmt = "(" + LabelKeyFmt + ")?";
    private const string LabelValueErrMsg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private const string ConfigMapKeyFmt = "[-._a-zA-Z0-9]+";
    private const string ConfigMapKeyErrMsg = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";

    /// <summary>IsDNS1123Label: at most 63 characters, lower-case alphanumerics and '-'.</summary>
    public static List<string> IsDns1123Label(string value)
    {
        var errs = new List<string>();
        if (value.Length > Dns1123LabelMaxLength)
        {
            errs.Add(MaxLenError(Dns1123LabelMaxLength));
        }

        if (!Dns1123LabelRegex().IsMatch(value))
        {
            // A valid subdomain that is not a valid label (length already reported) has dots.
            errs.Add(Dns1123SubdomainRegex().IsMatch(value) ? "must not contain dots" : RegexError(Dns1123LabelErrMsg, Dns1123LabelFmt, "my-name", "123-abc"));
        }

        return errs;
    }

    /// <summary>IsDNS1123Subdomain: at most 253 characters, dot-separated DNS-1123 labels.</summary>
    public static List<string> IsDns1123Subdomain(string value)
    {
        var errs = new List<string>();
        if (value.Length > Dns1123SubdomainMaxLength)
        {
            errs.Add(MaxLenError(Dns1123SubdomainMaxLength));
        }

        if (!Dns1123SubdomainRegex().IsMatch(value))
        {
            errs.Add(RegexError(Dns1123SubdomainErrMsg, Dns1123SubdomainFmt, "example.com"));
        }

        return errs;
    }

    /// <summary>IsDNS1035Label: at most 63 characters, starting with a letter (Service names).</summary>
    public static List<string> IsDns1035Label(string value)
    {
        var errs = new List<string>();
        if (value.Length > Dns1035LabelMaxLength)
        {
            errs.Add(MaxLenError(Dns1035LabelMaxLength));
        }

        if (!Dns1035LabelRegex().IsMatch(value))
        {
            errs.Add(RegexError(Dns1035LabelErrMsg, Dns1035LabelFmt, "my-name", "abc-123"));
        }

        return errs;
    }

    /// <summary>IsQualifiedName (= IsLabelKey): an optional DNS-subdomain prefix and '/', then a name of at most 63 characters.</summary>
    public static List<string> IsQualifiedName(string value)
    {
        var errs = new List<string>();
        var parts = value.Split('/');
        string name;
        switch (parts.Length)
        {
            case 1:
                name = parts[0];
                break;
            case 2:
                var prefix = parts[0];
                name = parts[1];
                if (prefix.Length == 0)
                {
                    errs.Add("prefix part " + EmptyError());
                }
                else
                {
                    errs.AddRange(IsDns1123Subdomain(prefix).Select(m => "prefix part " + m));
                }

                break;
            default:
                errs.Add("a valid label key " + RegexError(LabelKeyErrMsg, LabelKeyFmt, "MyName", "my.name", "123-abc") +
                    " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
                return errs;
        }

        if (name.Length == 0)
        {
            errs.Add("name part " + EmptyError());
        }
        else if (name.Length > LabelKeyNameMaxLength)
        {
            errs.Add("name part " + MaxLenError(LabelKeyNameMaxLength));
        }

        if (!LabelKeyRegex().IsMatch(name))
        {
            errs.Add("name part " + RegexError(LabelKeyErrMsg, LabelKeyFmt, "MyName", "my.name", "123-abc"));
        }

        return errs;
    }

    /// <summary>IsLabelValue: empty, or at most 63 characters of alphanumerics, '-', '_' and '.', alphanumeric at both ends.</summary>
    public static List<string> IsValidLabelValue(string value)
    {
        var errs = new List<string>();
        if (value.Length > LabelValueMaxLength)
        {
            errs.Add(MaxLenError(LabelValueMaxLength));
        }

        if (!LabelValueRegex().IsMatch(value))
        {
            errs.Add(RegexError(LabelValueErrMsg, LabelValueFmt, "MyValue", "my_value", "12345"));
        }

        return errs;
    }

    /// <summary>IsValidPortNum: 1 to 65535.</summary>
    public static List<string> IsValidPortNum(long port) =>
        port is >= 1 and <= 65535 ? [] : [InclusiveRangeError(1, 65535)];

    /// <summary>IsValidPortName (an IANA_SVC_NAME): 1-15 characters a-z, 0-9 and '-', one letter at least, no '--', no '-' at either end.</summary>
    public static List<string> IsValidPortName(string port)
    {
        var errs = new List<string>();
        if (port.Length > 15)
        {
            errs.Add(MaxLenError(15));
        }

        if (!PortNameCharsetRegex().IsMatch(port))
        {
            errs.Add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
        }

        if (!port.Any(char.IsAsciiLetterLower))
        {
            errs.Add("must contain at least one letter (a-z)");
        }

        if (port.Contains("--", StringComparison.Ordinal))
        {
            errs.Add("must not contain consecutive hyphens");
        }

        if (port.Length > 0 && (port[0] == '-' || port[^1] == '-'))
        {
            errs.Add("must not begin or end with a hyphen");
        }

        return errs;
    }

    /// <summary>IsConfigMapKey: the keys of ConfigMap and Secret data.</summary>
    public static List<string> IsConfigMapKey(string value)
    {
        var errs = new List<string>();
        if (value.Length > Dns1123SubdomainMaxLength)
        {
            errs.Add(MaxLenError(Dns1123SubdomainMaxLength));
        }

        if (!ConfigMapKeyRegex().IsMatch(value))
        {
            errs.Add(RegexError(ConfigMapKeyErrMsg, ConfigMapKeyFmt, "key.name", "KEY_NAME", "key-name"));
        }

        if (value == ".")
        {
            errs.Add("must not be '.'");
        }
        else if (value == "..")
        {
            errs.Add("must not be '..'");
        }
        else if (value.StartsWith("..", StringComparison.Ordinal))
        {
            errs.Add("must not start with '..'");
        }

        return errs;
    }

    public static string MaxLenError(int length) => string.Create(CultureInfo.InvariantCulture, $"must be no more than {length} characters");

    public static string EmptyError() => "must be non-empty";

    public static string InclusiveRangeError(int lo, int hi) => string.Create(CultureInfo.InvariantCulture, $"must be between {lo} and {hi}, inclusive");

    // RegexError's exact shape, including the double space its loop leaves before " or ".
    public static string RegexError(string msg, string fmt, params string[] examples)
    {
        if (examples.Length == 0)
        {
            return msg + " (regex used for validation is '" + fmt + "')";
        }

        msg += " (e.g. ";
        for (var i = 0; i < examples.Length; i++)
        {
            if (i > 0)
            {
                msg += " or ";
            }

            msg += "'" + examples[i] + "', ";
        }

        return msg + "regex used for validation is '" + fmt + "')";
    }

    // Go's regexp "^...$" matches the whole text; .NET's "$" would also match before a final newline, so "\z".
    [GeneratedRegex("^(?:" + Dns1123LabelFmt + ")\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123LabelRegex();

    [GeneratedRegex("^(?:" + Dns1123SubdomainFmt + ")\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123SubdomainRegex();

    [GeneratedRegex("^(?:" + Dns1035LabelFmt + ")\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1035LabelRegex();

    [GeneratedRegex("^(?:" + LabelKeyFmt + ")\\z", RegexOptions.CultureInvariant)]
    private static partial Regex LabelKeyRegex();

    [GeneratedRegex("^(?:" + LabelValueFmt + ")\\z", RegexOptions.CultureInvariant)]
    private static partial Regex LabelValueRegex();

    [GeneratedRegex("^[-a-z0-9]+\\z", RegexOptions.CultureInvariant)]
    private static partial Regex PortNameCharsetRegex();

    [GeneratedRegex("^(?:" + ConfigMapKeyFmt + ")\\z", RegexOptions.CultureInvariant)]
    private static partial Regex ConfigMapKeyRegex();
}
