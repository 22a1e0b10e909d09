using System.Text.Json;
using System.Text.Json.Nodes;
using Daalu.Router.Classification;
using Daalu.Router.Translation;

namespace Daalu.Router.Planning;

/// <summary>A validated request body and the facts routing needs from it.</summary>
public sealed class ParsedRequest
{
    private JsonObject? body;

    /// <summary>
    /// The body as a mutable JSON object (its model field is rewritten per attempt). A body read from the client's
    /// bytes (<see cref="Raw"/>) has no tree until an attempt must rewrite or translate it: the first read parses it.
    /// </summary>
    public JsonObject Body
    {
        get => body ??= JsonNode.Parse(Raw ?? throw new InvalidOperationException("the request has neither a body tree nor its bytes"),
            documentOptions: new JsonDocumentOptions { MaxDepth = RawDepth })!.AsObject();
        init => body = value;
    }

    /// <summary>Gives a request read from a translation's bytes the translation's own tree.</summary>
    internal void UseTree(JsonObject tree) => body = tree;

    /// <summary>
    /// The body exactly as the client sent it (valid UTF-8 JSON, one object, checked), forwarded as is when an attempt
    /// would not change anything; null when the request was translated from another API.
    /// </summary>
    public byte[]? Raw { get; internal set; }

    /// <summary>The depth limit <see cref="Raw"/> was checked with, for its tree when one is needed.</summary>
    internal int RawDepth { get; set; }

    /// <summary>Every text the request carries, as classification reads it (read in the same pass as the checks).</summary>
    public RequestText Text { get; init; } = RequestText.Empty;

    /// <summary>
    /// The messages as the prefix key reads them, and the prompt string, when the body was read without a tree
    /// (<see cref="PrefixRead"/>); the key is then computed from these instead of building the tree.
    /// </summary>
    internal IReadOnlyList<LoadBalancing.PrefixTurn>? PrefixTurns { get; init; }

    /// <summary>The completions prompt when it is a string (see <see cref="PrefixTurns"/>).</summary>
    internal string? PromptText { get; init; }

    /// <summary><see cref="PrefixTurns"/> and <see cref="PromptText"/> were read from the body.</summary>
    internal bool PrefixRead { get; init; }

    /// <summary>The body has a stream_options field (null included).</summary>
    public bool HasStreamOptions { get; init; }

    /// <summary>
    /// The client API the request came in, when it is not Chat Completions (Responses, Anthropic Messages): the
    /// request was translated to chat, and the answer, stream and errors are translated back through this.
    /// </summary>
    public IInboundDialect? Dialect { get; internal set; }

    /// <summary>
    /// The request in the client's own API when it was translated (Responses), kept for a backend that serves that API
    /// itself: it gets this instead of the chat translation, and its answer needs no translation back. Never modified.
    /// </summary>
    public JsonObject? ClientBody { get; internal set; }

    /// <summary>Requested model or alias.</summary>
    public required string Model { get; init; }

    /// <summary>stream: true.</summary>
    public bool Stream { get; init; }

    /// <summary>The client asked for stream_options.include_usage.</summary>
    public bool ClientWantsUsage { get; init; }

    /// <summary>max_tokens / max_completion_tokens, if set.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>Rough prompt size in tokens (text length / 4), for reservations and estimates.</summary>
    public long PromptTokenEstimate { get; init; }

    /// <summary>Routing features.</summary>
    public RequestFeatures Features { get; init; }
}
