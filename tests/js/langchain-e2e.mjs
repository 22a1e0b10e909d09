// End-to-end check of the router with LangChain JS (`@langchain/openai` 1.5 over `@langchain/core` 1.4, which calls
// the `openai` npm SDK's Chat Completions and Embeddings) as the caller: invoke, stream (streamUsage sends
// stream_options.include_usage), bindTools both ways, and OpenAIEmbeddings (the SDK asks for base64 vectors unless
// told otherwise and decodes them). Env: ROUTER_URL, ROUTER_KEY, ROUTER_MODEL, ROUTER_EMBED_MODEL; ROUTER_FEATURE
// (invoke | stream | tools | embed | error) runs that step only. Prints one JSON line; exits 0 only if each step held.
import { ChatOpenAI, OpenAIEmbeddings } from "@langchain/openai";
import { HumanMessage } from "@langchain/core/messages";

const configuration = { baseURL: `${process.env.ROUTER_URL}/v1` };
const apiKey = process.env.ROUTER_KEY;
const chat = new ChatOpenAI({ model: process.env.ROUTER_MODEL ?? "auto", apiKey, configuration, maxRetries: 0, timeout: 20000 });
const messages = [new HumanMessage("Say hello")];
const weatherTool = { type: "function", function: { name: "get_weather", description: "Weather for a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } };
const only = process.env.ROUTER_FEATURE;
const want = (feature) => !only || only === feature;
const out = {};
const fail = (msg) => { console.error(msg); console.log(JSON.stringify(out)); process.exit(1); };

// 1. invoke: the AIMessage with its content, finish reason and usage.
if (want("invoke")) {
  const plain = await chat.invoke(messages);
  out.plainText = plain.content;
  out.plainFinish = plain.response_metadata?.finish_reason ?? null;
  out.plainOutputTokens = plain.usage_metadata?.output_tokens ?? null;
  if (!plain.content || out.plainFinish !== "stop") fail("invoke returned no content or no stop");
}

// 2. stream: chunks concatenate to the text; the usage chunk fills usage_metadata.
if (want("stream")) {
  let streamText = "";
  let streamOutputTokens = null;
  for await (const chunk of await chat.stream(messages)) {
    streamText += typeof chunk.content === "string" ? chunk.content : "";
    if (chunk.usage_metadata) streamOutputTokens = chunk.usage_metadata.output_tokens;
  }
  out.streamText = streamText;
  out.streamOutputTokens = streamOutputTokens;
  if (!streamText || streamOutputTokens === null) fail("stream gave no text or no usage");
}

// 3. Tools: bindTools, then tool_calls on the AIMessage, non-streaming and from concatenated stream chunks.
if (want("tools")) {
  const withTools = chat.bindTools([weatherTool]);
  const toolMsg = await withTools.invoke([new HumanMessage("Weather in Paris?")]);
  out.toolName = toolMsg.tool_calls?.[0]?.name ?? null;
  out.toolCity = toolMsg.tool_calls?.[0]?.args?.city ?? null;
  let gathered = null;
  for await (const chunk of await withTools.stream([new HumanMessage("Weather in Paris?")])) {
    gathered = gathered === null ? chunk : gathered.concat(chunk);
  }
  out.streamedToolName = gathered?.tool_calls?.[0]?.name ?? null;
  out.streamedToolCity = gathered?.tool_calls?.[0]?.args?.city ?? null;
  if (out.toolName !== "get_weather" || out.streamedToolCity !== "Paris") fail("tool calls did not come back");
}

// 4. OpenAIEmbeddings: embedQuery (one input) and embedDocuments (a batch of two).
if (want("embed")) {
  const embeddings = new OpenAIEmbeddings({ model: process.env.ROUTER_EMBED_MODEL ?? "auto", apiKey, configuration, maxRetries: 0 });
  const query = await embeddings.embedQuery("hello");
  out.embeddingLength = query.length;
  out.embeddingFirst = query[0];
  const docs = await embeddings.embedDocuments(["a", "b"]);
  out.documentCount = docs.length;
  out.documentSecondFirst = docs[1]?.[0] ?? null;
  if (!(query.length > 0) || docs.length !== 2) fail("embeddings returned no vector or the wrong count");
}

// 5. An unknown model surfaces as the openai SDK's NotFoundError with status 404.
if (want("error")) {
  try {
    await new ChatOpenAI({ model: "no-such-model", apiKey, configuration, maxRetries: 0 }).invoke(messages);
    fail("unknown model did not fail");
  } catch (e) {
    out.errorStatus = e.status ?? null;
    out.errorCode = e.lc_error_code ?? null;
  }
  if (out.errorStatus !== 404) fail("unknown model did not give 404");
}

console.log(JSON.stringify(out));
