using Daalu.Router.Backends;
using Daalu.Router.Configuration;
using Daalu.Router.Planning;

namespace Daalu.Router.Api;

/// <summary>
/// The checks between a parsed request and its plan, in the order the client would fix them: the request class
/// header, whether the tenant may use the model (403 for another tenant's, 404 for one nobody serves), and whether an
/// embeddings call has an embedding model configured. Returns the resolved class or the refusal; writes nothing.
/// </summary>
public static class RequestAdmission
{
    /// <summary>Admits <paramref name="req"/> for <paramref name="tenant"/>; exactly one result is non-null.</summary>
    public static (string? RequestClass, RequestError? Error) Admit(RouterSnapshot snap, TenantRuntime tenant, ParsedRequest req, string? classHeader, BackendRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(snap);
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(req);
        var cls = RequestClassResolver.Resolve(classHeader, tenant, req.Model);
        if (cls is null)
        {
            return (null, new RequestError(400, "invalid_request_error", "invalid_request_class", "X-Daalu-Request-Class must be chat, agent, classifier or coding", "X-Daalu-Request-Class"));
        }

        var visibility = ModelCatalog.Check(snap, tenant, req.Model, registry);
        if (visibility == ModelVisibility.OtherTenant)
        {
            return (null, new RequestError(403, "invalid_request_error", "model_not_allowed", $"The model '{req.Model}' is not available to this API key.", "model"));
        }

        if (visibility != ModelVisibility.Visible)
        {
            return (null, new RequestError(404, "invalid_request_error", "model_not_found", $"The model '{req.Model}' does not exist or is not served.", "model"));
        }

        if (req.Features.Endpoint == RequestFeatures.Embeddings && !EmbeddingModels.Configured(snap, tenant))
        {
            return (null, new RequestError(404, "invalid_request_error", "no_embedding_model",
                "No embedding model is configured for this API key: declare one in a backend's embeddingModels or mark a provider model with embeddings: true.", "model"));
        }

        return (cls, null);
    }
}
