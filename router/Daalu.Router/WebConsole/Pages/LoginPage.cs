namespace Daalu.Router.WebConsole.Pages;

/// <summary>The login form: a tenant (or admin) API key, posted once; the session cookie replaces it afterwards.</summary>
internal static class LoginPage
{
    public static string Render(string pathBase, string? message) =>
        Html.Page(pathBase, "Log in", "login", null, $"""
            <section class="card login">
              <h1>Daalu console</h1>
              <p>Log in with your tenant API key (the bearer key your SDKs send). The key is checked once and not stored.</p>
              {(message is null ? string.Empty : $"<p class=\"notice\" data-testid=\"login-message\">{Html.E(message)}</p>")}
              <form method="post" action="{pathBase}/login">
                <label for="key">API key</label>
                <input id="key" name="key" type="password" autocomplete="off" required>
                <button type="submit" data-testid="login-submit">Log in</button>
              </form>
            </section>
            """, modelJson: null);
}
