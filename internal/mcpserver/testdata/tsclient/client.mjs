// A real MCP client, the official TypeScript SDK, run by tsclient_test.go
// against aicoo's MCP server over stdio or streamable HTTP. It lists the
// tools, calls every read-only one, lists and reads the resources, lists
// the prompts and gets the first, and prints what it saw as one JSON object
// on stdout for the Go test to check.
//
// Environment:
//   MCP_MODE      "stdio" or "http"
//   MCP_COMMAND   stdio: the server command; MCP_ARGS its arguments (JSON
//                 array); MCP_SERVER_ENV extra environment (JSON object)
//   MCP_URL       http: the endpoint; MCP_TOKEN the API token (optional)
//   MCP_EXAMPLES  JSON object: tool name -> arguments ({} otherwise)
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const env = process.env;
const examples = JSON.parse(env.MCP_EXAMPLES || "{}");

function transport() {
  if (env.MCP_MODE === "stdio") {
    return new StdioClientTransport({
      command: env.MCP_COMMAND,
      args: JSON.parse(env.MCP_ARGS || "[]"),
      env: JSON.parse(env.MCP_SERVER_ENV || "{}"),
      stderr: "inherit",
    });
  }
  const headers = env.MCP_TOKEN ? { Authorization: `Bearer ${env.MCP_TOKEN}` } : {};
  return new StreamableHTTPClientTransport(new URL(env.MCP_URL), { requestInit: { headers } });
}

const text = (content) => (content || []).filter((c) => c.type === "text").map((c) => c.text).join("\n");

async function main() {
  const client = new Client({ name: "aicoo-tsclient-test", version: "1.0.0" });
  const report = {};
  try {
    await client.connect(transport());
  } catch (err) {
    report.error = String(err && err.message ? err.message : err);
    report.errorCode = err && err.code;
    return report;
  }
  report.server = client.getServerVersion();
  report.instructions = client.getInstructions() || "";
  const { tools } = await client.listTools();
  report.tools = tools.map((t) => ({
    name: t.name,
    readOnly: !!(t.annotations && t.annotations.readOnlyHint),
    schemaType: t.inputSchema && t.inputSchema.type,
  }));
  report.calls = {};
  for (const t of tools) {
    if (!(t.annotations && t.annotations.readOnlyHint)) continue;
    const res = await client.callTool({ name: t.name, arguments: examples[t.name] || {} });
    report.calls[t.name] = { isError: !!res.isError, text: text(res.content), structured: res.structuredContent ?? null };
  }
  const { resources } = await client.listResources();
  report.resources = resources.map((r) => r.uri);
  const { resourceTemplates } = await client.listResourceTemplates();
  report.templates = resourceTemplates.map((r) => r.uriTemplate);
  report.reads = {};
  for (const uri of (env.MCP_READ || "").split(",").filter(Boolean)) {
    try {
      const res = await client.readResource({ uri });
      report.reads[uri] = { text: res.contents.map((c) => c.text).join("\n") };
    } catch (err) {
      report.reads[uri] = { error: String(err.message || err) };
    }
  }
  const { prompts } = await client.listPrompts();
  report.prompts = prompts.map((p) => p.name);
  if (prompts.length > 0) {
    const res = await client.getPrompt({ name: prompts[0].name, arguments: {} });
    report.prompt = text(res.messages.map((m) => m.content));
  }
  await client.close();
  return report;
}

main().then(
  (report) => {
    process.stdout.write(JSON.stringify(report) + "\n");
    process.exit(0);
  },
  (err) => {
    process.stderr.write(`tsclient: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  },
);
