// The official openai Node SDK's stream helpers against a gateway, for tests/test_sdk_streams.py.
//   node streams.mjs <base_url> chat|responses '<extra body JSON>'
// Prints one JSON line: the final text, the role (chat) and the gateway's verdict (Responses).
import OpenAI from "openai";

const [baseURL, api, extra] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: "sk-test", maxRetries: 0 });
const body = { model: "gpt-4o-mini", ...JSON.parse(extra) };

if (api === "chat") {
  const stream = client.chat.completions.stream(body);
  const final = await stream.finalChatCompletion();
  const message = final.choices[0].message;
  console.log(JSON.stringify({ text: message.content, role: message.role }));
} else {
  const stream = client.responses.stream(body);
  const final = await stream.finalResponse();
  console.log(JSON.stringify({ text: final.output_text, verdict: final.groundrail ?? null }));
}
