// End-to-end check of the router with the Vercel AI SDK (`ai` 6.x) and its OpenAI-compatible provider
// (`@ai-sdk/openai-compatible` 2.x, which speaks Chat Completions and Embeddings) as the caller: generateText,
// streamText (with includeUsage, so stream_options.include_usage is sent), a tool call both ways, and embed.
// Env: ROUTER_URL, ROUTER_KEY, ROUTER_MODEL, ROUTER_EMBED_MODEL; ROUTER_FEATURE (generate | stream | tools | embed |
// error) runs that step only. Prints one JSON line; exits 0 only if each step held.
import { generateText, streamText, embed, tool } from "ai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { z } from "zod";

const provider = createOpenAICompatible({
  name: "daalu",
  baseURL: `${process.env.ROUTER_URL}/v1`,
  apiKey: process.env.ROUTER_KEY,
  includeUsage: true,
});
const model = provider(process.env.ROUTER_MODEL ?? "auto");
const prompt = "Say hello";
const tools = { get_weather: tool({ description: "Weather for a city", inputSchema: z.object({ city: z.string() }) }) };
const only = process.env.ROUTER_FEATURE;
const want = (feature) => !only || only === feature;
const out = {};
const fail = (msg) => { console.error(msg); console.log(JSON.stringify(out)); process.exit(1); };

// 1. generateText: text, finish reason, usage and the route headers from the raw response.
if (want("generate")) {
  const plain = await generateText({ model, prompt, maxRetries: 0 });
  out.plainText = plain.text;
  out.plainFinish = plain.finishReason;
  out.plainOutputTokens = plain.usage.outputTokens ?? null;
  out.tier = plain.response.headers?.["x-daalu-tier"] ?? null;
  if (!plain.text || plain.finishReason !== "stop" || !out.tier) fail("generateText returned no text, finish reason or X-Daalu-Tier");
}

// 2. streamText: the text deltas and the usage the include_usage chunk carries.
if (want("stream")) {
  const streamed = streamText({ model, prompt, maxRetries: 0, onError: ({ error }) => fail(`streamText error: ${error}`) });
  let text = "";
  for await (const delta of streamed.textStream) text += delta;
  out.streamText = text;
  out.streamFinish = await streamed.finishReason;
  out.streamOutputTokens = (await streamed.usage).outputTokens ?? null;
  if (!text || out.streamFinish !== "stop") fail("streamText gave no text or no stop");
}

// 3. Tools: a tool without execute comes back as a tool call, non-streaming and streamed.
if (want("tools")) {
  const toolResult = await generateText({ model, prompt: "Weather in Paris?", tools, maxRetries: 0 });
  out.toolName = toolResult.toolCalls[0]?.toolName ?? null;
  out.toolCity = toolResult.toolCalls[0]?.input?.city ?? null;
  out.toolFinish = toolResult.finishReason;
  const toolStream = streamText({ model, prompt: "Weather in Paris?", tools, maxRetries: 0, onError: ({ error }) => fail(`tool stream error: ${error}`) });
  let streamedTool = null;
  for await (const part of toolStream.fullStream) {
    if (part.type === "tool-call") streamedTool = part;
  }
  out.streamedToolName = streamedTool?.toolName ?? null;
  out.streamedToolCity = streamedTool?.input?.city ?? null;
  if (out.toolName !== "get_weather" || out.toolFinish !== "tool-calls" || out.streamedToolCity !== "Paris") fail("tool calls did not come back");
}

// 4. embed through the provider's embedding model.
if (want("embed")) {
  const embedded = await embed({ model: provider.textEmbeddingModel(process.env.ROUTER_EMBED_MODEL ?? "auto"), value: "hello", maxRetries: 0 });
  out.embeddingLength = embedded.embedding.length;
  out.embeddingFirst = embedded.embedding[0];
  out.embedTokens = embedded.usage?.tokens ?? null;
  if (!(embedded.embedding.length > 0)) fail("embed returned no vector");
}

// 5. An unknown model is an APICallError carrying the router's 404.
if (want("error")) {
  try {
    await generateText({ model: provider("no-such-model"), prompt, maxRetries: 0 });
    fail("unknown model did not fail");
  } catch (e) {
    out.errorStatus = e.statusCode ?? null;
    out.errorClass = e.name ?? null;
  }
  if (out.errorStatus !== 404) fail("unknown model did not give 404");
}

console.log(JSON.stringify(out));
