// End-to-end check of the router with the official `openai` npm client as the caller.
// Env: ROUTER_URL (http://127.0.0.1:port), ROUTER_KEY (tenant key), ROUTER_MODEL (model to ask for).
// Prints one JSON line of findings and exits 0 only if every call behaved like OpenAI would.
import OpenAI from "openai";

const baseURL = `${process.env.ROUTER_URL}/v1`;
const client = new OpenAI({ baseURL, apiKey: process.env.ROUTER_KEY, maxRetries: 0, timeout: 20000 });
const model = process.env.ROUTER_MODEL ?? "auto";
const messages = [{ role: "user", content: "Say hello" }];
const tools = [{ type: "function", function: { name: "get_weather", description: "Weather for a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } }];
const out = {};
const fail = (msg) => { console.error(msg); console.log(JSON.stringify(out)); process.exit(1); };

// 1. Non-streaming, with the raw response to read the route headers.
const { data: plain, response } = await client.chat.completions.create({ model, messages }).withResponse();
out.plainContent = plain.choices[0].message.content;
out.plainUsage = plain.usage?.total_tokens ?? null;
out.tier = response.headers.get("x-daalu-tier");
out.route = response.headers.get("x-daalu-route");
if (!out.plainContent || !out.tier) fail("non-streaming call returned no content or no X-Daalu-Tier");

// 2. Streaming without usage: the client must see content and a clean end, and no usage chunk.
let text = "", usageChunks = 0;
for await (const chunk of await client.chat.completions.create({ model, messages, stream: true })) {
  if (chunk.usage) usageChunks++;
  text += chunk.choices[0]?.delta?.content ?? "";
}
out.streamText = text;
out.streamUsageChunks = usageChunks;
if (!text || usageChunks !== 0) fail("stream had no text or an unrequested usage chunk");

// 3. Streaming with include_usage: exactly one usage chunk.
let usage = null;
for await (const chunk of await client.chat.completions.create({ model, messages, stream: true, stream_options: { include_usage: true } })) {
  if (chunk.usage) usage = chunk.usage;
}
out.streamUsage = usage?.total_tokens ?? null;
if (!usage) fail("include_usage stream had no usage chunk");

// 4. Tools, non-streaming and streaming.
const toolCall = await client.chat.completions.create({ model, messages, tools, tool_choice: "auto" });
out.toolName = toolCall.choices[0].message.tool_calls?.[0]?.function?.name ?? null;
out.toolFinish = toolCall.choices[0].finish_reason;
let args = "", streamedTool = null;
for await (const chunk of await client.chat.completions.create({ model, messages, tools, stream: true })) {
  for (const tc of chunk.choices[0]?.delta?.tool_calls ?? []) {
    if (tc.function?.name) streamedTool = tc.function.name;
    args += tc.function?.arguments ?? "";
  }
}
out.streamedToolName = streamedTool;
out.streamedToolArgs = args;
if (out.toolName !== "get_weather" || streamedTool !== "get_weather" || !JSON.parse(args).city) fail("tool calls were not passed through");

// 5. An error is an OpenAI-shaped APIError.
try {
  await client.chat.completions.create({ model: "no-such-model", messages });
  fail("unknown model did not fail");
} catch (e) {
  out.errorStatus = e.status;
  out.errorCode = e.code ?? e.error?.code ?? null;
}
if (out.errorStatus !== 404) fail("unknown model did not give 404");

console.log(JSON.stringify(out));
