// A minimal streamable-HTTP MCP server on 127.0.0.1 for the differential
// suite: POST /mcp answers initialize, tools/list and ping as JSON (a
// notification gets 202), GET is 405 (no event stream). It prints its port
// on the first line of stdout and appends each request's method and
// headers to the file named by its first argument.
import { appendFileSync } from "node:fs";
import { createServer } from "node:http";

const log = process.argv[2];
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    let msg = {};
    try {
      msg = body ? JSON.parse(body) : {};
    } catch {}
    if (log) appendFileSync(log, JSON.stringify({ http: req.method, method: msg.method ?? null, headers: req.headers }) + "\n");
    if (req.method !== "POST") {
      res.writeHead(405).end();
      return;
    }
    if (msg.id === undefined) {
      res.writeHead(202).end();
      return;
    }
    const result = {
      initialize: {
        protocolVersion: msg.params?.protocolVersion ?? "2025-06-18",
        capabilities: { tools: {} },
        serverInfo: { name: "openwork-test-http", version: "1.0.0" },
      },
      "tools/list": { tools: [] },
      ping: {},
    }[msg.method];
    const reply = result === undefined
      ? { jsonrpc: "2.0", id: msg.id, error: { code: -32601, message: "method not found" } }
      : { jsonrpc: "2.0", id: msg.id, result };
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(reply));
  });
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(server.address().port + "\n");
});
