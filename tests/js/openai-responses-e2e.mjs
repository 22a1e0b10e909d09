// End-to-end check of the router's POST /v1/responses with the official `openai` npm client (7.55.0) as the caller:
// responses.create (plain and stream: true), the responses.stream helper (which checks event order, output indexes
// and lifecycle identity: lib/responses/ResponseStream.js), function tools both ways, and the refusal of
// previous_response_id. Env: ROUTER_URL, ROUTER_KEY, ROUTER_MODEL. Prints one JSON line; exits 0 only if all held.
import OpenAI from "openai";

const client = new OpenAI({ baseURL: `${process.env.ROUTER_URL}/v1`, apiKey: process.env.ROUTER_KEY, maxRetries: 0, timeout: 20000 });
const model = process.env.ROUTER_MODEL ?? "auto";
const tools = [{ type: "function", name: "get_weather", description: "Weather for a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] }, strict: false }];
const out = {};
const fail = (msg) => { console.error(msg); console.log(JSON.stringify(out)); process.exit(1); };

// 1. responses.create, non-streaming, with the raw response for the route headers.
const { data: plain, response } = await client.responses.create({ model, instructions: "Be brief", input: "Say hello" }).withResponse();
out.plainText = plain.output_text;
out.plainStatus = plain.status;
out.plainUsage = plain.usage?.total_tokens ?? null;
out.plainStore = plain.store;
out.tier = response.headers.get("x-daalu-tier");
if (!out.plainText || plain.status !== "completed" || !out.tier) fail("responses.create returned no text, status or X-Daalu-Tier");

// 2. responses.create with stream: true: the raw event stream.
const types = [];
let streamText = "";
let lastSeq = -1, seqOk = true;
for await (const event of await client.responses.create({ model, input: "Say hello", stream: true })) {
  types.push(event.type);
  if (event.sequence_number !== lastSeq + 1) seqOk = false;
  lastSeq = event.sequence_number;
  if (event.type === "response.output_text.delta") streamText += event.delta;
  if (event.type === "response.completed") out.streamUsage = event.response.usage?.output_tokens ?? null;
}
out.streamText = streamText;
out.streamFirst = types[0];
out.streamLast = types[types.length - 1];
out.sequenceContiguous = seqOk;
if (!streamText || out.streamLast !== "response.completed" || !seqOk) fail("stream: true gave no text, no response.completed or a sequence gap");

// 3. The responses.stream helper: deltas as events, then the assembled final response.
const helper = client.responses.stream({ model, input: "Say hello" });
let helperDeltas = "";
helper.on("response.output_text.delta", (e) => { helperDeltas += e.delta; });
const final = await helper.finalResponse();
out.helperText = final.output_text;
out.helperDeltas = helperDeltas;
if (!final.output_text || final.output_text !== helperDeltas) fail("responses.stream final text does not match its deltas");

// 4. Function tools: non-streaming, then streamed with the helper, then the tool's output sent back.
const toolResp = await client.responses.create({ model, input: "Weather in Paris?", tools });
const call = toolResp.output.find((o) => o.type === "function_call");
out.toolName = call?.name ?? null;
out.toolArgs = call?.arguments ?? null;
const toolStream = client.responses.stream({ model, input: "Weather in Paris?", tools });
let argsDone = null;
toolStream.on("response.function_call_arguments.done", (e) => { argsDone = e.arguments; });
const toolFinal = await toolStream.finalResponse();
out.streamedToolName = toolFinal.output.find((o) => o.type === "function_call")?.name ?? null;
out.streamedToolArgs = argsDone;
if (out.toolName !== "get_weather" || out.streamedToolName !== "get_weather" || !JSON.parse(argsDone).city) fail("function calls did not come back");
const second = await client.responses.create({ model, tools, input: [
  { role: "user", content: "Weather in Paris?" },
  { type: "function_call", call_id: call.call_id, name: call.name, arguments: call.arguments },
  { type: "function_call_output", call_id: call.call_id, output: "18C and sunny" },
] });
out.secondStatus = second.status;

// 5. previous_response_id: refused with an OpenAI-shaped 400, since the router stores nothing.
try {
  await client.responses.create({ model, input: "and then?", previous_response_id: plain.id });
  fail("previous_response_id was accepted");
} catch (e) {
  out.prevStatus = e.status;
  out.prevCode = e.code ?? null;
  out.prevParam = e.param ?? null;
}
if (out.prevStatus !== 400) fail("previous_response_id did not give 400");

console.log(JSON.stringify(out));
