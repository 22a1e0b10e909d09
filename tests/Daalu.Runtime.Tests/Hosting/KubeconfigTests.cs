using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Daalu.Runtime.Hosting;
using k8s;
using Xunit;

namespace Daalu.Runtime.Tests.Hosting;

// The operator reads a single kubeconfig without KubernetesClient's YAML deserializer; every client setting must come
// out as the library's own loader makes it from the same file (a differential test), and everything else must go to
// the library.
public sealed class KubeconfigTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("daalu-kubeconfig-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static string Pem(string label, byte[] der) =>
        $"-----BEGIN {label}-----\n{Convert.ToBase64String(der, Base64FormattingOptions.InsertLineBreaks)}\n-----END {label}-----\n";

    private static X509Certificate2 SelfSigned(string name, out RSA key)
    {
        key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    // Three clusters, users and contexts covering what the operator's client uses: a CA file named relative to the
    // kubeconfig, inline CA data, TLS verification off, a bearer token, basic auth, an inline client certificate;
    // plus keys this reader does not model (preferences, extensions), which both loaders must ignore.
    private string WriteKubeconfig(string currentContext, string fileName = "config")
    {
        using var ca = SelfSigned("daalu-test-ca", out var caKey);
        using var client = SelfSigned("daalu-operator", out var clientKey);
        File.WriteAllText(Path.Combine(_dir.FullName, "ca.crt"), Pem("CERTIFICATE", ca.Export(X509ContentType.Cert)));
        var caData = Convert.ToBase64String(Encoding.ASCII.GetBytes(Pem("CERTIFICATE", ca.Export(X509ContentType.Cert))));
        var certData = Convert.ToBase64String(Encoding.ASCII.GetBytes(Pem("CERTIFICATE", client.Export(X509ContentType.Cert))));
        var keyData = Convert.ToBase64String(Encoding.ASCII.GetBytes(Pem("RSA PRIVATE KEY", clientKey.ExportRSAPrivateKey())));
        caKey.Dispose();
        clientKey.Dispose();
        var path = Path.Combine(_dir.FullName, fileName);
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            preferences:
              colors: true
            clusters:
            - name: relative-ca
              cluster:
                server: https://10.0.0.1:6443
                certificate-authority: ca.crt
            - name: inline-ca
              cluster:
                server: https://api.example.test:443
                certificate-authority-data: {caData}
            - name: plain
              cluster:
                server: http://127.0.0.1:8080
                insecure-skip-tls-verify: true
            users:
            - name: token
              user:
                token: abc.def.ghi
            - name: basic
              user:
                username: admin
                password: s3cret
            - name: cert
              user:
                client-certificate-data: {certData}
                client-key-data: {keyData}
            contexts:
            - name: one
              context:
                cluster: relative-ca
                user: token
                namespace: team-a
            - name: two
              context:
                cluster: inline-ca
                user: cert
            - name: three
              context:
                cluster: plain
                user: basic
                namespace: team-c
              extensions:
              - name: something
                extension:
                  a: b
            current-context: {currentContext}
            """);
        return path;
    }

    private static KubernetesClientConfiguration NotCalled() => throw new InvalidOperationException("the library's loader was called");

    [Theory]
    [InlineData("one")]
    [InlineData("two")]
    [InlineData("three")]
    public void Load_OneFile_MatchesTheLibrarysLoader(string context)
    {
        var path = WriteKubeconfig(context);

        var ours = Kubeconfig.Load(path, "/nonexistent", NotCalled);
        var library = KubernetesClientConfiguration.BuildConfigFromConfigFile(path);

        Assert.Equal(library.Host, ours.Host);
        Assert.Equal(library.CurrentContext, ours.CurrentContext);
        Assert.Equal(library.Namespace, ours.Namespace);
        Assert.Equal(library.AccessToken, ours.AccessToken);
        Assert.Equal(library.Username, ours.Username);
        Assert.Equal(library.Password, ours.Password);
        Assert.Equal(library.SkipTlsVerify, ours.SkipTlsVerify);
        Assert.Equal(library.ClientCertificateData, ours.ClientCertificateData);
        Assert.Equal(library.ClientCertificateKeyData, ours.ClientCertificateKeyData);
        Assert.Equal(library.SslCaCerts?.Select(c => c.Thumbprint), ours.SslCaCerts?.Select(c => c.Thumbprint));
        Assert.Equal(context, ours.CurrentContext);
    }

    [Fact]
    public void Load_RelativeCertificateAuthority_IsReadBesideTheFile()
    {
        var path = WriteKubeconfig("one");
        using var expected = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_dir.FullName, "ca.crt")));

        var ours = Kubeconfig.Load(path, "/nonexistent", NotCalled);

        Assert.Equal(expected.Thumbprint, Assert.Single(ours.SslCaCerts!).Thumbprint);
    }

    [Fact]
    public void Load_NoVariable_ReadsTheDefaultLocation()
    {
        var path = WriteKubeconfig("three", "default-config");

        var ours = Kubeconfig.Load(null, path, NotCalled);

        Assert.Equal("http://127.0.0.1:8080/", new Uri(ours.Host).ToString());
        Assert.Equal("team-c", ours.Namespace);
    }

    [Fact]
    public void Load_SeveralFilesOrAMissingFile_LeavesItToTheLibrary()
    {
        var path = WriteKubeconfig("one");
        var calls = 0;
        var fromLibrary = new KubernetesClientConfiguration { Host = "https://library.example.test" };
        KubernetesClientConfiguration Library()
        {
            calls++;
            return fromLibrary;
        }

        Assert.Same(fromLibrary, Kubeconfig.Load($"{path}{Path.PathSeparator}{path}", "/nonexistent", Library));
        Assert.Same(fromLibrary, Kubeconfig.Load(Path.Combine(_dir.FullName, "missing"), "/nonexistent", Library));
        Assert.Same(fromLibrary, Kubeconfig.Load(null, Path.Combine(_dir.FullName, "missing"), Library));
        Assert.Equal(3, calls);
    }

    [Fact]
    public void Load_EmptyFile_FailsNamingIt()
    {
        var path = Path.Combine(_dir.FullName, "empty");
        File.WriteAllText(path, "");

        var error = Assert.Throws<k8s.Exceptions.KubeConfigException>(() => Kubeconfig.Load(path, "/nonexistent", NotCalled));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }
}
