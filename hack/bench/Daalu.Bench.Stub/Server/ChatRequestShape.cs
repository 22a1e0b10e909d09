using System.Buffers;
using System.Text.Json;

namespace Daalu.Bench.Stub.Server;

/// <summary>What the stub needs (Model: index of the served model, -1 for an unknown name) from a chat completion request body; read with one forward pass of Utf8JsonReader.</summary>
internal readonly record struct ChatRequestShape(bool Valid, bool Stream, bool IncludeUsage, int MaxTokens, int Model, string? Error)
{
    public static ChatRequestShape Read(ReadOnlySequence<byte> body, StubPayloads[] models)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
        bool stream = false, includeUsage = false, sawMessages = false;
        var model = 0;
        var maxTokens = 0;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return Invalid("the body must be a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("stream"u8))
                {
                    reader.Read();
                    stream = reader.TokenType == JsonTokenType.True;
                }
                else if (reader.ValueTextEquals("max_tokens"u8) || reader.ValueTextEquals("max_completion_tokens"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number)
                    {
                        if (!reader.TryGetInt32(out maxTokens) || maxTokens < 1)
                        {
                            return Invalid("max_tokens must be at least 1");
                        }
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        return Invalid("max_tokens must be an integer");
                    }
                }
                else if (reader.ValueTextEquals("model"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        model = -1;
                        for (var m = 0; m < models.Length && model < 0; m++)
                        {
                            if (reader.ValueTextEquals(models[m].ModelBytes))
                            {
                                model = m;
                            }
                        }
                    }
                }
                else if (reader.ValueTextEquals("messages"u8))
                {
                    reader.Read();
                    sawMessages = reader.TokenType == JsonTokenType.StartArray;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("stream_options"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            var isUsage = reader.ValueTextEquals("include_usage"u8);
                            reader.Read();
                            if (isUsage)
                            {
                                includeUsage = reader.TokenType == JsonTokenType.True;
                            }

                            reader.Skip();
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject)
            {
                return Invalid("the body must be one JSON object");
            }
        }
        catch (JsonException)
        {
            return Invalid("the body is not valid JSON");
        }

        return sawMessages
            ? new ChatRequestShape(true, stream, includeUsage, maxTokens, model, null)
            : Invalid("messages must be an array");
    }

    private static ChatRequestShape Invalid(string error) => new(false, false, false, 0, 0, error);
}
