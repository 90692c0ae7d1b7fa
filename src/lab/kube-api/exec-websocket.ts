// LAB ONLY: part of the Kubernetes API stand-in. The server side of RFC 6455 WebSocket, as much as
// `kubectl exec` (client-go's gorilla/websocket client) uses: the opening handshake with
// Sec-WebSocket-Accept and one negotiated subprotocol, masked client frames (fragmented or not), binary
// messages, ping → pong, and the close handshake. No extensions (kubectl offers none).
import { createHash } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const MAX_MESSAGE = 16 * 1024 * 1024;

const OP = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export const CLOSE_NORMAL = 1000;
const CLOSE_PROTOCOL_ERROR = 1002;
const CLOSE_TOO_BIG = 1009;

export function acceptKey(key: string): string {
  return createHash('sha1')
    .update(key + GUID)
    .digest('base64');
}

function header(req: IncomingMessage, name: string): string {
  const v = req.headers[name];
  return (Array.isArray(v) ? v.join(',') : (v ?? '')).trim();
}

export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return /(^|,)\s*websocket\s*($|,)/i.test(header(req, 'upgrade'));
}

/** The subprotocols the client offers, in its order of preference. */
export function offeredProtocols(req: IncomingMessage): string[] {
  return header(req, 'sec-websocket-protocol')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

/** A plain HTTP answer on an upgrade socket (the upgrade refused): the Status JSON kubectl prints. */
export function refuseUpgrade(socket: Duplex, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${code} ${STATUS_CODES[code] ?? 'Error'}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(text)}\r\n` +
      'Connection: close\r\n\r\n' +
      text,
  );
}

function frame(opcode: number, payload: Buffer): Buffer {
  const n = payload.length;
  const head = n < 126 ? Buffer.alloc(2) : n < 0x10000 ? Buffer.alloc(4) : Buffer.alloc(10);
  head[0] = 0x80 | opcode; // FIN: the server never fragments
  if (n < 126) head[1] = n;
  else if (n < 0x10000) {
    head[1] = 126;
    head.writeUInt16BE(n, 2);
  } else {
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(n), 2);
  }
  return Buffer.concat([head, payload]);
}

export interface WebSocketHandlers {
  /** One whole binary (or text) message. */
  message(data: Buffer): void;
  /** The connection is gone (close handshake done, or the socket dropped). */
  closed(): void;
}

export class WebSocketConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private fragmentSize = 0;
  private closeSent = false;
  private done = false;

  constructor(
    private readonly socket: Duplex,
    private readonly handlers: WebSocketHandlers,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('close', () => this.finish());
    socket.on('error', () => this.finish());
  }

  send(data: Buffer): void {
    if (!this.closeSent && !this.done) this.socket.write(frame(OP.binary, data));
  }

  /** Starts the close handshake; the socket ends when the client answers (or after a second). */
  close(code = CLOSE_NORMAL): void {
    if (this.closeSent || this.done) return;
    this.closeSent = true;
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(code, 0);
    this.socket.write(frame(OP.close, payload));
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.handlers.closed();
  }

  receive(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      const f = this.nextFrame();
      if (!f) return;
      this.handle(f.fin, f.opcode, f.payload);
      if (this.done) return;
    }
  }

  private nextFrame(): { fin: boolean; opcode: number; payload: Buffer } | undefined {
    const b = this.buffer;
    if (b.length < 2) return undefined;
    const fin = (b[0]! & 0x80) !== 0;
    const opcode = b[0]! & 0x0f;
    const masked = (b[1]! & 0x80) !== 0;
    let len = b[1]! & 0x7f;
    let at = 2;
    if (len === 126) {
      if (b.length < 4) return undefined;
      len = b.readUInt16BE(2);
      at = 4;
    } else if (len === 127) {
      if (b.length < 10) return undefined;
      const big = b.readBigUInt64BE(2);
      if (big > BigInt(MAX_MESSAGE)) {
        this.fail(CLOSE_TOO_BIG);
        return undefined;
      }
      len = Number(big);
      at = 10;
    }
    if (!masked) {
      // RFC 6455 5.1: a server must close the connection on an unmasked client frame.
      this.fail(CLOSE_PROTOCOL_ERROR);
      return undefined;
    }
    if (b.length < at + 4 + len) return undefined;
    const mask = b.subarray(at, at + 4);
    const payload = Buffer.from(b.subarray(at + 4, at + 4 + len));
    for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ mask[i & 3]!;
    this.buffer = b.subarray(at + 4 + len);
    return { fin, opcode, payload };
  }

  private handle(fin: boolean, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case OP.ping:
        if (!this.closeSent) this.socket.write(frame(OP.pong, payload));
        return;
      case OP.pong:
        return;
      case OP.close:
        if (!this.closeSent) {
          this.closeSent = true;
          this.socket.write(frame(OP.close, payload.subarray(0, 2)));
        }
        this.socket.end();
        this.finish();
        return;
      case OP.text:
      case OP.binary:
      case OP.continuation: {
        if (opcode !== OP.continuation) this.fragments = [];
        this.fragments.push(payload);
        this.fragmentSize += payload.length;
        if (this.fragmentSize > MAX_MESSAGE) return this.fail(CLOSE_TOO_BIG);
        if (!fin) return;
        const message = Buffer.concat(this.fragments);
        this.fragments = [];
        this.fragmentSize = 0;
        this.handlers.message(message);
        return;
      }
      default:
        this.fail(CLOSE_PROTOCOL_ERROR);
    }
  }

  private fail(code: number): void {
    this.close(code);
    this.buffer = Buffer.alloc(0);
    this.finish();
  }
}

/** Answers 101 with the chosen subprotocol; bytes that came with the request are the first frames. */
export function acceptWebSocket(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  protocol: string,
  handlers: WebSocketHandlers,
): WebSocketConnection {
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\n' +
      'Upgrade: websocket\r\n' +
      'Connection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${acceptKey(header(req, 'sec-websocket-key'))}\r\n` +
      `Sec-WebSocket-Protocol: ${protocol}\r\n\r\n`,
  );
  const ws = new WebSocketConnection(socket, handlers);
  if (head.length) ws.receive(head);
  return ws;
}
