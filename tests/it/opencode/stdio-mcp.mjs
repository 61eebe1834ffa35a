// A minimal MCP server over stdio (newline-delimited JSON-RPC) for the
// differential suite: it answers initialize, tools/list and ping, and
// writes each method it is asked to the file named by its first argument.
import { appendFileSync } from "node:fs";
import { createInterface } from "node:readline";

const log = process.argv[2];
const send = (msg) => process.stdout.write(JSON.stringify(msg) + "\n");
createInterface({ input: process.stdin }).on("line", (line) => {
  let msg;
  try {
    msg = JSON.parse(line);
  } catch {
    return;
  }
  if (log) appendFileSync(log, JSON.stringify({ method: msg.method, env: process.env.OW_TEST_ENV ?? null }) + "\n");
  if (msg.id === undefined) return;
  const result = {
    initialize: {
      protocolVersion: msg.params?.protocolVersion ?? "2025-06-18",
      capabilities: { tools: {} },
      serverInfo: { name: "openwork-test-stdio", version: "1.0.0" },
    },
    "tools/list": { tools: [] },
    ping: {},
  }[msg.method];
  if (result === undefined) {
    send({ jsonrpc: "2.0", id: msg.id, error: { code: -32601, message: "method not found" } });
  } else {
    send({ jsonrpc: "2.0", id: msg.id, result });
  }
});
