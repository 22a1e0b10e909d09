// End-to-end check of the router's POST /v1/messages with the official `@anthropic-ai/sdk` (1.10.0) as the caller:
// messages.create, create with stream: true, the messages.stream helper (lib/MessageStream.js checks event order and
// accumulates usage), tools both ways, countTokens, and an Anthropic-shaped error. The SDK sends the tenant key as
// x-api-key. Env: ROUTER_URL, ROUTER_KEY, ROUTER_MODEL. Prints one JSON line; exits 0 only if all held.
import Anthropic from "@anthropic-ai/sdk";

const client = new Anthropic({ baseURL: process.env.ROUTER_URL, apiKey: process.env.ROUTER_KEY, maxRetries: 0, timeout: 20000 });
const model = process.env.ROUTER_MODEL ?? "auto";
const messages = [{ role: "user", content: "Say hello" }];
const tools = [{ name: "get_weather", description: "Weather for a city", input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } }];
const out = {};
const fail = (msg) => { console.error(msg); console.log(JSON.stringify(out)); process.exit(1); };

// 1. messages.create with a system prompt, and the raw response for the route headers.
const { data: plain, response } = await client.messages.create({ model, max_tokens: 64, system: "Be brief", messages }).withResponse();
out.plainText = plain.content.find((b) => b.type === "text")?.text ?? null;
out.plainStop = plain.stop_reason;
out.plainUsage = plain.usage.output_tokens;
out.tier = response.headers.get("x-daalu-tier");
if (!out.plainText || plain.stop_reason !== "end_turn" || !out.tier) fail("messages.create returned no text, stop reason or X-Daalu-Tier");

// 2. stream: true, the raw events.
const types = [];
let streamText = "";
for await (const event of await client.messages.create({ model, max_tokens: 64, messages, stream: true })) {
  types.push(event.type);
  if (event.type === "content_block_delta" && event.delta.type === "text_delta") streamText += event.delta.text;
}
out.streamText = streamText;
out.streamFirst = types[0];
out.streamLast = types[types.length - 1];
if (!streamText || out.streamFirst !== "message_start" || out.streamLast !== "message_stop") fail("stream: true was not message_start ... message_stop with text");

// 3. The messages.stream helper: text events and the final message with its usage.
const helper = client.messages.stream({ model, max_tokens: 64, messages });
let helperText = "";
helper.on("text", (t) => { helperText += t; });
const final = await helper.finalMessage();
out.helperText = helperText;
out.helperStop = final.stop_reason;
out.helperUsageIn = final.usage.input_tokens;
out.helperUsageOut = final.usage.output_tokens;
if (!helperText || final.usage.output_tokens <= 0 || final.usage.input_tokens <= 0) fail("messages.stream gave no text or no usage");

// 4. Tools: tool_use non-streaming and streamed, then the tool_result sent back.
const toolMsg = await client.messages.create({ model, max_tokens: 64, messages, tools, tool_choice: { type: "auto" } });
const use = toolMsg.content.find((b) => b.type === "tool_use");
out.toolName = use?.name ?? null;
out.toolCity = use?.input?.city ?? null;
out.toolStop = toolMsg.stop_reason;
const toolStream = client.messages.stream({ model, max_tokens: 64, messages, tools });
let partialJson = "";
toolStream.on("inputJson", (delta) => { partialJson += delta; });
const toolFinal = await toolStream.finalMessage();
const streamedUse = toolFinal.content.find((b) => b.type === "tool_use");
out.streamedToolName = streamedUse?.name ?? null;
out.streamedToolCity = streamedUse?.input?.city ?? null;
out.partialJson = partialJson;
if (out.toolName !== "get_weather" || out.toolStop !== "tool_use" || out.streamedToolCity !== "Paris") fail("tool_use did not come back");
const second = await client.messages.create({ model, max_tokens: 64, tools, messages: [
  ...messages,
  { role: "assistant", content: [use] },
  { role: "user", content: [{ type: "tool_result", tool_use_id: use.id, content: "18C and sunny" }] },
] });
out.secondStop = second.stop_reason;

// 5. count_tokens.
const count = await client.messages.countTokens({ model, messages });
out.countTokens = count.input_tokens;
if (!(count.input_tokens > 0)) fail("countTokens gave no count");

// 6. An unknown model is an Anthropic NotFoundError.
try {
  await client.messages.create({ model: "no-such-model", max_tokens: 16, messages });
  fail("unknown model did not fail");
} catch (e) {
  out.errorStatus = e.status;
  out.errorType = e.error?.error?.type ?? null;
  out.errorClass = e.constructor.name;
}
if (out.errorStatus !== 404) fail("unknown model did not give 404");

console.log(JSON.stringify(out));
