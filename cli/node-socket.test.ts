import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer, type WebSocket } from "ws";
import { NodeSocketPort } from "./node-socket";

const servers: { close(): void }[] = [];

afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A local `ws` server on an ephemeral port; `onConnection` plays the peer. */
async function serve(onConnection: (peer: WebSocket) => void): Promise<{ url: string; wss: WebSocketServer }> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  servers.push({ close: () => (wss.clients.forEach((c) => c.terminate()), wss.close()) });
  wss.on("connection", onConnection);
  await once(wss, "listening");
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, wss };
}

/** A port nothing listens on: bound, read, released. */
async function deadPort(): Promise<number> {
  const http = createServer();
  http.listen(0, "127.0.0.1");
  await once(http, "listening");
  const port = (http.address() as AddressInfo).port;
  await new Promise((ok) => http.close(ok));
  return port;
}

function _nextMessage(peer: WebSocket): Promise<string> {
  return new Promise((ok) => peer.once("message", (data) => ok(data.toString())));
}

describe("NodeSocketPort", () => {
  it("exchanges text frames and decodes binary frames to text", async () => {
    const { url } = await serve((peer) => peer.on("message", (data) => peer.send(`echo ${data.toString()}`)));
    const s = await new NodeSocketPort().connect(url);
    const got: string[] = [];
    s.onMessage = (t) => got.push(t);
    s.send("ping");
    await expect.poll(() => got).toEqual(["echo ping"]);
    s.close(1000, "done");
  });

  it("delivers frames the server sends on connect only after connect resolves, in order", async () => {
    const { url } = await serve((peer) => {
      peer.send("first");
      peer.send(Buffer.from("second, binary"), { binary: true });
    });
    const s = await new NodeSocketPort().connect(url);
    await Promise.resolve();
    const got: string[] = [];
    s.onMessage = (t) => got.push(t);
    await expect.poll(() => got).toEqual(["first", "second, binary"]);
    s.close();
  });

  it("reports the server's close code and reason once", async () => {
    const { url } = await serve((peer) => setTimeout(() => peer.close(4001, "maintenance"), 20));
    const s = await new NodeSocketPort().connect(url);
    const closes: [number, string][] = [];
    s.onClose = (code, reason) => closes.push([code, reason]);
    await expect.poll(() => closes).toEqual([[4001, "maintenance"]]);
    await new Promise((ok) => setTimeout(ok, 50));
    expect(closes).toHaveLength(1);
    expect(() => s.send("late")).toThrow(/not open/);
  });

  it("sends the client's close code and reason to the server", async () => {
    let peerClosed!: (v: [number, string]) => void;
    const closed = new Promise<[number, string]>((ok) => (peerClosed = ok));
    const { url } = await serve((peer) => peer.on("close", (code, reason) => peerClosed([code, reason.toString()])));
    const s = await new NodeSocketPort().connect(url);
    s.close(4000, "pong timeout");
    expect(await closed).toEqual([4000, "pong timeout"]);
  });

  it("reports an abrupt drop as close 1006", async () => {
    const { url } = await serve((peer) => setTimeout(() => peer.terminate(), 20));
    const s = await new NodeSocketPort().connect(url);
    const closes: number[] = [];
    s.onClose = (code) => closes.push(code);
    await expect.poll(() => closes).toEqual([1006]);
  });

  it("reports a protocol violation as an error followed by a close", async () => {
    const { url } = await serve((peer) =>
      setTimeout(() => (peer as unknown as { _socket: Socket })._socket.write(Buffer.from([0x8f, 0x00])), 20),
    );
    const s = await new NodeSocketPort().connect(url);
    const seen: string[] = [];
    s.onError = (e) => seen.push(`error ${(e as Error).message}`);
    s.onClose = (code) => seen.push(`close ${code}`);
    await expect
      .poll(() => seen)
      .toEqual([expect.stringMatching(/^error .*opcode/i), expect.stringMatching(/^close \d+$/)]);
  });

  it("rejects when the connection is refused", async () => {
    const port = await deadPort();
    await expect(new NodeSocketPort().connect(`ws://127.0.0.1:${port}`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it("rejects when the server answers the upgrade with an HTTP error", async () => {
    const http: Server = createServer((_req, res) => res.writeHead(404).end());
    http.on("upgrade", (_req, socket: Socket) => socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
    http.listen(0, "127.0.0.1");
    servers.push(http);
    await once(http, "listening");
    const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/v2/ws/public`;
    await expect(new NodeSocketPort().connect(url)).rejects.toThrow(/404/);
  });

  it("rejects a url that is not a WebSocket url", async () => {
    await expect(new NodeSocketPort().connect("http://127.0.0.1:1/")).rejects.toThrow();
  });

  it("rejects when the handshake does not complete in time", async () => {
    const http: Server = createServer();
    http.on("upgrade", () => {});
    http.listen(0, "127.0.0.1");
    servers.push({ close: () => (http.closeAllConnections(), http.close()) });
    await once(http, "listening");
    const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
    await expect(new NodeSocketPort({ handshakeTimeoutMs: 100 }).connect(url)).rejects.toThrow(/timed out/i);
  });
});
