using System.Net;
using System.Text.RegularExpressions;

namespace Daalu.Console.Tests.Infrastructure;

/// <summary>A cookie-keeping HTTP client logged into the console as one key, sending the same Origin a browser would.</summary>
public sealed partial class ConsoleClient : IDisposable
{
    private readonly HttpClient _http;

    private ConsoleClient(HttpClient http, CookieContainer cookies, string origin)
    {
        _http = http;
        Cookies = cookies;
        Origin = origin;
    }

    public string Origin { get; }

    public CookieContainer Cookies { get; }

    public string CsrfToken { get; private set; } = string.Empty;

    public HttpClient Http => _http;

    public static ConsoleClient Anonymous(ConsoleWorld world) => Anonymous(world.BaseUrl);

    public static ConsoleClient Anonymous(string baseUrl)
    {
        var cookies = new CookieContainer();
        var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, UseCookies = true, AllowAutoRedirect = false }) { BaseAddress = new Uri(baseUrl) };
        return new ConsoleClient(http, cookies, baseUrl);
    }

    public static async Task<ConsoleClient> LoginAsync(ConsoleWorld world, string key)
    {
        var client = Anonymous(world);
        using var response = await client.PostFormAsync("/console/login", new() { ["key"] = key });
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"login answered {(int)response.StatusCode}");
        }

        var page = await client.Http.GetStringAsync("/console/factory");
        client.CsrfToken = CsrfInput().Match(page).Groups[1].Value;
        return client;
    }

    public async Task<HttpResponseMessage> PostFormAsync(string path, Dictionary<string, string> form, string? origin = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("Origin", origin ?? Origin);
        return await _http.SendAsync(request);
    }

    public async Task<HttpResponseMessage> PostAsync(string path, string? csrf, string? origin = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Add("Origin", origin ?? Origin);
        if (csrf is not null)
        {
            request.Headers.Add("X-Daalu-Csrf", csrf);
        }

        return await _http.SendAsync(request);
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfInput();
}
